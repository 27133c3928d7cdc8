package io.tributary.connect.hudi;

import io.tributary.connect.Pipeline;
import io.tributary.connect.runtime.PipelineRunner;
import io.tributary.connect.runtime.PipelineTask;
import java.util.Map;

/** A topic source upserted into a Hudi table, exactly once (being built: issue 6). */
public final class TopicToHudiTask {
  private TopicToHudiTask() {}

  public static PipelineTask create(Pipeline pipeline, Map<String, Object> clientOverrides) {
    throw new PipelineRunner.NotRunnableException(pipeline.file() + ": the hudi sink is not built yet (issue 6)");
  }
}
