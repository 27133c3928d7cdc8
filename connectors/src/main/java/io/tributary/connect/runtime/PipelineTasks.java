package io.tributary.connect.runtime;

import io.tributary.connect.Pipeline;
import io.tributary.connect.Sink;
import io.tributary.connect.Source;
import io.tributary.connect.cdc.PostgresSourceTask;
import io.tributary.connect.hudi.TopicToHudiTask;
import io.tributary.connect.source.FilesSourceTask;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/** Picks the {@link PipelineTask} implementation for a pipeline from its source and sink types. */
public final class PipelineTasks {
  private PipelineTasks() {}

  /**
   * The task that runs {@code pipeline}.
   *
   * @param clientOverrides extra settings for the task's Kafka clients (tests: timeouts, client ids); they
   *     cannot switch off idempotence, acks=all or the sink's own offset handling
   * @throws PipelineRunner.NotRunnableException when the combination of source and sink cannot run (yet)
   */
  public static PipelineTask create(Pipeline pipeline, Map<String, Object> clientOverrides) {
    Source source = pipeline.source();
    Sink sink = pipeline.sink();
    if (source instanceof Source.Generator && sink instanceof Sink.Topic) {
      return new GeneratorToTopicTask(new PipelineRunner(pipeline, OptionalLong.empty(), clientOverrides));
    }
    if (source instanceof Source.Topic && sink instanceof Sink.Hudi) {
      return TopicToHudiTask.create(pipeline, clientOverrides);
    }
    if (source instanceof Source.Files && sink instanceof Sink.Topic) {
      return FilesSourceTask.create(pipeline, clientOverrides);
    }
    if (source instanceof Source.Postgres && sink instanceof Sink.Topic) {
      return PostgresSourceTask.create(pipeline, clientOverrides);
    }
    throw new PipelineRunner.NotRunnableException(pipeline.file() + ": a " + typeName(source) + " source into a "
        + typeName(sink) + " sink cannot run: supported are generator -> topic, topic -> hudi, files -> topic, postgres -> topic");
  }

  private static String typeName(Object part) {
    return part.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  /** {@link PipelineRunner} seen as a {@link PipelineTask}. */
  public static final class GeneratorToTopicTask implements PipelineTask {
    private final PipelineRunner runner;

    public GeneratorToTopicTask(PipelineRunner runner) {
      this.runner = runner;
    }

    /** The runner (progress lines, summary). */
    public PipelineRunner runner() {
      return runner;
    }

    @Override
    public String name() {
      return runner.pipelineName();
    }

    @Override
    public void run() {
      runner.run();
    }

    @Override
    public void stop() {
      runner.stop();
    }

    @Override
    public PipelineMetrics metrics() {
      PipelineRunner.Metrics m = runner.metrics();
      // a generator has no backlog: lag is unknown; "commit" = the last broker acknowledgement
      return new PipelineMetrics(m.recordsIn.get(), m.acknowledged.get(), 0, m.droppedByFilter.get(),
          OptionalLong.empty(), m.lastAckMillis());
    }
  }
}
