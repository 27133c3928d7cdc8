package io.tributary.console.pages;

import io.tributary.connect.worker.ClusterStatus;
import io.tributary.console.BadInput;
import io.tributary.console.Unavailable;
import io.tributary.console.lake.HudiTimeline;
import io.tributary.console.pipelines.DeadLetters;
import io.tributary.console.pipelines.Pipelines;
import io.tributary.console.web.Request;
import io.tributary.console.web.Response;
import io.tributary.console.web.Router;
import io.tributary.console.web.Views;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code /pipelines} (workers, and per pipeline its worker, state, records, records/s, dead letters, lag) and
 * {@code /pipelines/NAME}: its YAML, its dead letters with their reasons (replayable into the source topic) and
 * the commit history of the Hudi table it writes.
 */
public final class PipelinePages {
  /** Form fields naming the dead letters to replay: {@code dl-<partition>-<offset>}. */
  static final String REPLAY_FIELD_PREFIX = "dl-";

  private final Views views;
  private final Pipelines pipelines;
  private final DeadLetters deadLetters;

  public PipelinePages(Views views, Pipelines pipelines, DeadLetters deadLetters) {
    this.views = views;
    this.pipelines = pipelines;
    this.deadLetters = deadLetters;
  }

  public void register(Router router) {
    router.get("/pipelines", r -> list());
    router.get("/pipelines/{name}", r -> pipeline(r.pathParam(0), null));
    router.post("/pipelines/{name}/replay", this::replay);
  }

  private Response list() {
    ClusterStatus status = pipelines.status();
    Model m = Model.of("workers", status.workers()).with("leader", status.leader())
        .with("cluster", pipelines.cluster()).with("pipelines", pipelines.rows(status));
    return Response.html(views.page("Pipelines", "/pipelines", "pipelines", m, List.of()));
  }

  private Response replay(Request r) {
    String name = r.pathParam(0);
    Pipelines.Definition d = pipelines.definition(name);
    String topic = d.deadLetterTopic().orElseThrow(() -> new BadInput("pipeline '" + name
        + "' has no dead-letter topic (errors.dead.letter.topic)"));
    Set<String> ids = new TreeSet<>();
    r.params().forEach((k, v) -> {
      if (k.startsWith(REPLAY_FIELD_PREFIX)) {
        ids.add(k.substring(REPLAY_FIELD_PREFIX.length()));
      }
    });
    List<String> landed = deadLetters.replay(topic, ids);
    return pipeline(name, "replayed " + landed.size() + " dead letters into " + d.sourceTopic().orElse("their source")
        + " (" + String.join(", ", landed) + ")");
  }

  private Response pipeline(String name, String notice) {
    List<String> errors = new ArrayList<>();
    ClusterStatus status = pipelines.status();
    Pipelines.PipelineRow row = pipelines.rows(status).stream().filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow(() -> new BadInput("no pipeline '" + name + "' in worker cluster '" + pipelines.cluster() + "'"));
    Pipelines.Definition d = pipelines.definition(name);
    Model m = Model.of("pipeline", row).with("definition", d).with("notice", notice)
        .with("deadLetterTopic", d.deadLetterTopic().orElse(null)).with("sourceTopic", d.sourceTopic().orElse(null))
        .with("tablePath", d.tablePath().orElse(null));
    d.deadLetterTopic().ifPresent(t -> m.with("deadLetters", Part.read(() -> deadLetters.list(t), List.of(), errors)));
    d.tablePath().ifPresent(p -> m.with("table", Part.read(() -> tableOrNull(p), null, errors)));
    return Response.html(views.page(name + " · Pipelines", "/pipelines", "pipeline", m, errors));
  }

  /** The table, or null before the pipeline's first commit created it. */
  private static HudiTimeline.Table tableOrNull(String path) {
    try {
      return HudiTimeline.read(path);
    } catch (Unavailable e) {
      return null;
    }
  }
}
