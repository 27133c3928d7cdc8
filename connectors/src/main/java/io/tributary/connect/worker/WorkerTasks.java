package io.tributary.connect.worker;

import io.tributary.connect.Pipeline;
import io.tributary.connect.Source;
import io.tributary.connect.runtime.PipelineTask;
import io.tributary.connect.runtime.PipelineTasks;
import io.tributary.connect.source.FilesSourceTask;
import java.util.Map;

/** The task a worker runs for a pipeline: the files source here, every other kind from {@link PipelineTasks}. */
final class WorkerTasks {
  private WorkerTasks() {}

  static PipelineTask create(Pipeline pipeline) {
    if (pipeline.source() instanceof Source.Files) {
      return FilesSourceTask.create(pipeline, Map.of());
    }
    return PipelineTasks.create(pipeline, Map.of());
  }
}
