package io.tributary.connect.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.connect.runtime.PipelineMetrics;
import io.tributary.connect.runtime.PipelineTask;

/** A task whose {@link PipelineMeters} live exactly as long as its {@link #run()}. */
public final class MeteredTask implements PipelineTask {
  private final PipelineTask task;
  private final MeterRegistry registry;

  public MeteredTask(PipelineTask task, MeterRegistry registry) {
    this.task = task;
    this.registry = registry;
  }

  @Override
  public String name() {
    return task.name();
  }

  @Override
  public void run() throws Exception {
    try (PipelineMeters meters = PipelineMeters.register(registry, task)) {
      task.run();
    }
  }

  @Override
  public void stop() {
    task.stop();
  }

  @Override
  public PipelineMetrics metrics() {
    return task.metrics();
  }
}
