package io.tributary.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.utils.AppInfoParser;

/** Plain-text tables of workload results and of the ratios between systems. */
public final class Report {
  private Report() {}

  /** Producer/consumer settings every system gets (besides bootstrap and serializers). */
  static String clientSettings(WorkloadOptions o) {
    Map<String, String> producer = new TreeMap<>(Map.of("acks", "all", "enable.idempotence", "true"));
    producer.putAll(o.producerProps());
    Map<String, String> consumer = new TreeMap<>(Map.of("enable.auto.commit", "false"));
    consumer.putAll(o.consumerProps());
    return "producer " + producer + " (other settings: kafka-clients defaults), consumer assign+seekToBeginning "
        + consumer + (o.maxRecordsPerSec() > 0 ? ", producer rate limit " + o.maxRecordsPerSec() + " records/s" : "");
  }

  static void printWorkload(PrintStream out, WorkloadOptions o) {
    out.printf(Locale.ROOT, "workload: %,d records x %d B values (no key), %d partitions, RF=%d, warm-up %,d records%s%n",
        o.records(), o.recordSizeBytes(), o.partitions(), o.replicationFactor(), o.warmupRecords(),
        o.latencyRecords() == 0 ? "" : String.format(Locale.ROOT, ", then latency phase %,d records/s for %d s",
            o.latencyRecordsPerSec(), o.latencySeconds()));
    out.println("clients:  kafka-clients " + AppInfoParser.getVersion() + ", "
        + clientSettings(o));
  }

  public static void printResult(PrintStream out, WorkloadOptions o, WorkloadResult r) {
    out.println();
    out.println("== " + r.system() + " (" + r.description() + ") ==");
    printWorkload(out, o);
    out.printf(Locale.ROOT, "%-8s %11s %8s %11s %8s %8s %8s %9s %8s%n",
        "phase", "records", "seconds", "records/s", "MiB/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms");
    row(out, "produce", r.produce());
    row(out, "consume", r.consume());
    if (r.fixedRate() != null) {
      row(out, "latency", r.fixedRate());
    }
    out.println("verified: " + r.verification());
    out.println("produce:  as fast as possible; ack latency = send callback time - time just before send(), so it"
        + " includes time queued in the producer");
    if (r.fixedRate() != null) {
      out.printf(Locale.ROOT, "latency:  produce at a fixed %,d records/s; ack latency = callback time - the record's"
          + " scheduled send time%n", o.latencyRecordsPerSec());
    }
  }

  private static void row(PrintStream out, String phase, PhaseResult p) {
    LatencyStats l = p.latency();
    out.printf(Locale.ROOT, "%-8s %,11d %8.2f %,11.0f %8.2f %8s %8s %9s %8s%n",
        phase, p.records(), p.seconds(), p.recordsPerSec(), p.mibPerSec(),
        ms(l, 50), ms(l, 99), ms(l, 99.9), l == null ? "-" : fmt(l.maxMs()));
  }

  private static String ms(LatencyStats l, double pct) {
    return l == null ? "-" : fmt(l.percentileMs(pct));
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  private record Metric(String name, ToDoubleFunction<WorkloadResult> value) {}

  private static final List<Metric> METRICS = List.of(
      new Metric("produce records/s", r -> r.produce().recordsPerSec()),
      new Metric("produce MiB/s", r -> r.produce().mibPerSec()),
      new Metric("produce p50 ms", r -> r.produce().latency().percentileMs(50)),
      new Metric("produce p99 ms", r -> r.produce().latency().percentileMs(99)),
      new Metric("produce p99.9 ms", r -> r.produce().latency().percentileMs(99.9)),
      new Metric("consume records/s", r -> r.consume().recordsPerSec()),
      new Metric("consume MiB/s", r -> r.consume().mibPerSec()),
      new Metric("fixed-rate p50 ms", r -> fixed(r, 50)),
      new Metric("fixed-rate p99 ms", r -> fixed(r, 99)),
      new Metric("fixed-rate p99.9 ms", r -> fixed(r, 99.9)));

  private static double fixed(WorkloadResult r, double pct) {
    return r.fixedRate() == null ? Double.NaN : r.fixedRate().latency().percentileMs(pct);
  }

  /**
   * Side by side: the baseline's figures, the other's, and other/baseline. With several runs per system
   * each figure is the median over that system's runs. Either list may be empty (did not run), then its
   * line says why.
   */
  public static void printComparison(PrintStream out, List<WorkloadResult> baseline, String baselineMissing,
      List<WorkloadResult> other, String otherMissing, String otherName, String baselineName) {
    out.println();
    int runs = Math.max(baseline.size(), other.size());
    out.println("== comparison: " + otherName + " vs " + baselineName
        + (runs > 1 ? " (median of " + baseline.size() + " and " + other.size() + " runs)" : "") + " ==");
    String ratioHeader = otherName + "/" + baselineName;
    out.printf(Locale.ROOT, "%-20s %16s %16s %20s%n", "metric", baselineName, otherName, ratioHeader);
    for (Metric m : METRICS) {
      double b = median(baseline, m);
      double o = median(other, m);
      String ratio = Double.isNaN(b) || Double.isNaN(o) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", o / b);
      out.printf(Locale.ROOT, "%-20s %16s %16s %20s%n", m.name(), figure(b), figure(o), ratio);
    }
    out.println("(throughput ratio > 1: " + otherName + " faster; latency ratio < 1: " + otherName + " lower)");
    if (baselineMissing != null) {
      out.println(baselineName + ": " + baselineMissing);
    }
    if (otherMissing != null) {
      out.println(otherName + ": " + otherMissing);
    }
  }

  /** The median of a metric over runs (mean of the middle two for an even count); NaN for no runs. */
  static double median(List<WorkloadResult> runs, ToDoubleFunction<WorkloadResult> metric) {
    double[] v = runs.stream().mapToDouble(metric).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double median(List<WorkloadResult> runs, Metric m) {
    return median(runs, m.value());
  }

  private static String figure(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return v >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
