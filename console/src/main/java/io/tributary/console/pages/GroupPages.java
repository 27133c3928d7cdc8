package io.tributary.console.pages;

import io.tributary.console.kafka.Groups;
import io.tributary.console.kafka.OffsetReset.Strategy;
import io.tributary.console.web.Request;
import io.tributary.console.web.Response;
import io.tributary.console.web.Router;
import io.tributary.console.web.Views;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /groups} and {@code /groups/NAME}: members and lag per partition, and resetting the offsets: the form
 * first previews (current and new offset per partition); applying computes the offsets again from the same
 * choices and commits them (for to-latest or to-datetime they may have moved on since the preview).
 */
public final class GroupPages {
  private final Views views;
  private final Groups groups;

  public GroupPages(Views views, Groups groups) {
    this.views = views;
    this.groups = groups;
  }

  public void register(Router router) {
    router.get("/groups", r -> Response.html(views.page("Groups", "/groups", "groups",
        Model.of("groups", groups.list()), List.of())));
    router.get("/groups/{name}", r -> group(r, null, null));
    router.post("/groups/{name}/reset", this::reset);
  }

  private Response reset(Request r) {
    String group = r.pathParam(0);
    Strategy strategy = Strategy.of(r.param("strategy", Strategy.TO_EARLIEST.option()));
    Optional<String> topic = r.param("topic");
    List<Groups.ResetRow> preview = groups.preview(group, topic, strategy, r.param("value"));
    if (r.param("action", "preview").equals("apply")) {
      groups.apply(group, preview);
      return group(r, null, "reset " + preview.size() + (preview.size() == 1 ? " partition" : " partitions") + " ("
          + strategy.option() + ")");
    }
    return group(r, preview, null);
  }

  private Response group(Request r, List<Groups.ResetRow> preview, String notice) {
    String name = r.pathParam(0);
    Groups.GroupDetail detail = groups.describe(name);
    String chosen = r.param("strategy", Strategy.TO_EARLIEST.option());
    List<Model> strategies = new ArrayList<>();
    for (Strategy s : Strategy.values()) {
      strategies.add(Model.of("value", s.option()).with("selected", s.option().equals(chosen)));
    }
    Model m = Model.of("group", detail).with("preview", preview).with("hasPreview", preview != null).with("strategies", strategies)
        .with("topic", r.param("topic", "")).with("value", r.param("value", "")).with("notice", notice);
    return Response.html(views.page(name + " · Groups", "/groups", "group", m, List.of()));
  }
}
