package io.tributary.connect.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.connect.hudi.TopicToHudiTask;
import io.tributary.connect.runtime.PipelineMetrics;
import io.tributary.connect.runtime.PipelineTask;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one running pipeline, tagged {@code pipeline=<name>}, read from its task's counters
 * ({@link PipelineTask#metrics()}): {@code tributary_connect_pipeline_recordsin_total}, {@code ..._recordsout_total},
 * {@code ..._deadletters_total}, {@code ..._filtered_total}, {@code ..._lag} (NaN while unknown),
 * {@code ..._lastcommittimestampms}, and for a Hudi sink {@code ..._hudicommittimems} and
 * {@code ..._hudicommitbytes} / {@code ..._hudicommitrecords} (summaries: count, sum, quantiles).
 * JMX: {@code tributary.connect:type=Pipeline,name=RecordsInPerSec,pipeline=<name>} and so on.
 */
public final class PipelineMeters implements AutoCloseable {
  private static final String PREFIX = "tributary.connect.Pipeline.";

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  private PipelineMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers the meters of {@code task}; {@link #close()} removes them (a restarted task registers anew). */
  public static PipelineMeters register(MeterRegistry registry, PipelineTask task) {
    PipelineMeters m = new PipelineMeters(registry);
    String name = task.name();
    m.counter(name, "RecordsIn", task, PipelineMetrics::recordsIn, "records read from the source");
    m.counter(name, "RecordsOut", task, PipelineMetrics::recordsOut,
        "records written to the sink (acknowledged, or in a completed Hudi commit)");
    m.counter(name, "DeadLetters", task, PipelineMetrics::deadLettered, "records sent to the dead-letter topic");
    m.counter(name, "Filtered", task, PipelineMetrics::droppedByFilter, "records dropped by a filter transform");
    m.gauge(name, "Lag", task, t -> t.metrics().lag().isPresent() ? t.metrics().lag().getAsLong() : Double.NaN,
        "records in the source not read yet (topic sources)");
    m.gauge(name, "LastCommitTimestampMs", task,
        t -> t.metrics().lastCommitMillis().isPresent() ? t.metrics().lastCommitMillis().getAsLong() : Double.NaN,
        "wall-clock time of the last completed sink commit, epoch ms");
    if (task instanceof TopicToHudiTask hudi) {
      DistributionSummary time = m.summary(name, "HudiCommitTimeMs", "from hand-off to completed Hudi commit, ms");
      DistributionSummary bytes = m.summary(name, "HudiCommitBytes", "bytes written by one Hudi commit");
      DistributionSummary records = m.summary(name, "HudiCommitRecords", "records written by one Hudi commit");
      hudi.meterCommits((durationMs, recordCount, byteCount) -> {
        time.record(durationMs);
        bytes.record(byteCount);
        records.record(recordCount);
      });
    }
    return m;
  }

  private void counter(String pipeline, String name, PipelineTask task, ToDoubleFunction<PipelineMetrics> count,
      String description) {
    meters.add(FunctionCounter.builder(PREFIX + name, task, t -> count.applyAsDouble(t.metrics()))
        .tag("pipeline", pipeline).description(description).register(registry));
  }

  private void gauge(String pipeline, String name, PipelineTask task, ToDoubleFunction<PipelineTask> value,
      String description) {
    meters.add(Gauge.builder(PREFIX + name, task, value).tag("pipeline", pipeline).description(description)
        .register(registry));
  }

  private DistributionSummary summary(String pipeline, String name, String description) {
    DistributionSummary s = DistributionSummary.builder(PREFIX + name).tag("pipeline", pipeline)
        .description(description).publishPercentiles(0.5, 0.99).register(registry);
    meters.add(s);
    return s;
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
