package io.tributary.console.pages;

import io.tributary.console.registry.LineDiff;
import io.tributary.console.registry.Schemas;
import io.tributary.console.web.Paths;
import io.tributary.console.web.Request;
import io.tributary.console.web.Response;
import io.tributary.console.web.Router;
import io.tributary.console.web.Views;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /schemas} and {@code /schemas/SUBJECT}: versions, one version's schema ({@code ?version=N}), the diff
 * of two ({@code ?from=A&to=B}), the compatibility level (settable), and checking a schema against the subject.
 */
public final class SchemaPages {
  static final List<String> LEVELS = List.of("BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
      "FULL", "FULL_TRANSITIVE", "NONE");

  private final Views views;
  private final Schemas schemas;

  public SchemaPages(Views views, Schemas schemas) {
    this.views = views;
    this.schemas = schemas;
  }

  public void register(Router router) {
    router.get("/schemas", r -> Response.html(views.page("Schemas", "/schemas", "schemas",
        Model.of("subjects", schemas.subjects()), List.of())));
    router.get("/schemas/{subject}", r -> subject(r, null));
    router.post("/schemas/{subject}/compatibility", r -> {
      schemas.setCompatibility(r.pathParam(0), r.required("level"));
      return Response.seeOther("/schemas/" + Paths.segment(r.pathParam(0)));
    });
    router.post("/schemas/{subject}/check", r -> subject(r, schemas.check(r.pathParam(0), r.required("schema"))));
  }

  private Response subject(Request r, Schemas.Check check) {
    String subject = r.pathParam(0);
    List<Integer> versions = schemas.versions(subject);
    int latest = versions.get(versions.size() - 1);
    int shown = (int) r.longParam("version", latest);
    Schemas.Version version = schemas.version(subject, shown);
    Model m = Model.of("subject", subject).with("version", version).with("check", check)
        .with("candidate", r.param("schema", ""));
    int from = (int) r.longParam("from", versions.size() > 1 ? versions.get(versions.size() - 2) : latest);
    int to = (int) r.longParam("to", latest);
    m.with("versions", choices(versions, shown)).with("fromChoices", choices(versions, from))
        .with("toChoices", choices(versions, to));
    if (r.param("from").isPresent() || r.param("to").isPresent()) {
      m.with("diff", LineDiff.diff(schemas.version(subject, from).pretty(), schemas.version(subject, to).pretty()))
          .with("diffFrom", from).with("diffTo", to);
    }
    String level = schemas.compatibility(subject);
    List<Model> levels = new ArrayList<>();
    LEVELS.forEach(l -> levels.add(Model.of("value", l).with("selected", l.equals(level))));
    m.with("level", level).with("levels", levels);
    return Response.html(views.page(subject + " · Schemas", "/schemas", "schema", m, List.of()));
  }

  private static List<Model> choices(List<Integer> versions, int selected) {
    List<Model> out = new ArrayList<>();
    versions.forEach(v -> out.add(Model.of("value", v).with("selected", v == selected)));
    return out;
  }
}
