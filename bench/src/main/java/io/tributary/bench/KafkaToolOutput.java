package io.tributary.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The figures in the output of Kafka's own performance tools (kafka-tools), as they print them. */
final class KafkaToolOutput {
  /** ProducerPerformance's summary: throughput and per-record latency percentiles (ms). */
  record Produced(long records, double recordsPerSec, double mbPerSec, double avgMs, double maxMs, long p50Ms,
      long p95Ms, long p99Ms, long p999Ms) {}

  /** ConsumerPerformance's summary: records/s with and without the group join, and the join itself (ms). */
  record Consumed(long records, double recordsPerSec, long rebalanceMs, long fetchMs, double fetchRecordsPerSec) {}

  /** EndToEndLatency's summary (ms). */
  record EndToEnd(double avgMs, long p50Ms, long p99Ms, long p999Ms) {}

  // "2000000 records sent, 108143.0 records/sec (10.31 MB/sec), 150.20 ms avg latency, 800.00 ms max latency,
  //  120 ms 50th, 300 ms 95th, 400 ms 99th, 500 ms 99.9th."
  private static final Pattern PRODUCED = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\),"
      + " ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99.9th");
  private static final Pattern E2E_AVG = Pattern.compile("Avg latency: ([\\d.]+) ms");
  private static final Pattern E2E_PERCENTILES = Pattern.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99.9th = (\\d+)");

  private KafkaToolOutput() {}

  /** The final summary line of ProducerPerformance (the periodic lines have no percentiles). */
  static Produced produced(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      Matcher m = PRODUCED.matcher(lines.get(i));
      if (m.find()) {
        return new Produced(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
            Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), Long.parseLong(m.group(6)),
            Long.parseLong(m.group(7)), Long.parseLong(m.group(8)), Long.parseLong(m.group(9)));
      }
    }
    throw new IllegalArgumentException("no ProducerPerformance summary line in its output");
  }

  /** ConsumerPerformance's header line ({@code start.time, end.time, ...}) and the values line after it. */
  static Consumed consumed(List<String> lines) {
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).startsWith("start.time, end.time")) {
        String[] names = lines.get(i).split(",\\s*");
        String[] values = lines.get(i + 1).split(",\\s*");
        if (values.length != names.length) {
          throw new IllegalArgumentException("ConsumerPerformance printed " + values.length + " values for " + names.length
              + " columns: " + lines.get(i + 1));
        }
        Map<String, String> row = new HashMap<>();
        for (int c = 0; c < names.length; c++) {
          row.put(names[c].trim(), values[c].trim());
        }
        return new Consumed(Long.parseLong(row.get("data.consumed.in.nMsg")), Double.parseDouble(row.get("nMsg.sec")),
            Long.parseLong(row.get("rebalance.time.ms")), Long.parseLong(row.get("fetch.time.ms")),
            Double.parseDouble(row.get("fetch.nMsg.sec")));
      }
    }
    throw new IllegalArgumentException("no ConsumerPerformance header line in its output");
  }

  /** EndToEndLatency's {@code Avg latency} and {@code Percentiles} lines. */
  static EndToEnd endToEnd(List<String> lines) {
    Double avg = null;
    for (String line : lines) {
      Matcher a = E2E_AVG.matcher(line);
      if (a.find()) {
        avg = Double.parseDouble(a.group(1));
      }
      Matcher p = E2E_PERCENTILES.matcher(line);
      if (p.find() && avg != null) {
        return new EndToEnd(avg, Long.parseLong(p.group(1)), Long.parseLong(p.group(2)), Long.parseLong(p.group(3)));
      }
    }
    throw new IllegalArgumentException("no EndToEndLatency summary in its output");
  }
}
