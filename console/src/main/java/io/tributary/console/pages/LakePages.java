package io.tributary.console.pages;

import io.tributary.console.Unavailable;
import io.tributary.console.lake.HudiTimeline;
import io.tributary.console.lake.LakeTables;
import io.tributary.console.lake.SqlBox;
import io.tributary.console.web.Paths;
import io.tributary.console.web.Request;
import io.tributary.console.web.Response;
import io.tributary.console.web.Router;
import io.tributary.console.web.Views;
import io.tributary.spark.JobException;
import io.tributary.spark.sql.LakeCatalog.TableRef;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /lake}: the catalog's tables and the SQL box ({@code ?query=...}, a shareable link), and
 * {@code /lake/tables/NAME}: the table's timeline, schema and row count (counted by Spark when asked: a count reads
 * every base file, and the first query starts Spark).
 */
public final class LakePages {
  private final Views views;
  private final LakeTables tables;
  private final SqlBox sql;

  public LakePages(Views views, LakeTables tables, SqlBox sql) {
    this.views = views;
    this.tables = tables;
    this.sql = sql;
  }

  public void register(Router router) {
    router.get("/lake", this::lake);
    router.get("/lake/tables/{name}", this::table);
    router.get("/lake/tables/{name}/rows", this::rowCount);
  }

  /** A catalog table on the list: its timeline when readable, else why not. */
  public record TableRow(String name, String location, String path, HudiTimeline.Table table, String problem) {}

  private Response lake(Request r) {
    List<String> errors = new ArrayList<>();
    List<TableRow> rows = new ArrayList<>();
    List<TableRef> refs = tables.list();
    for (TableRef t : refs) {
      try {
        rows.add(new TableRow(t.name(), t.uri(), "/lake/tables/" + Paths.segment(t.name()), HudiTimeline.read(t.uri()),
            null));
      } catch (Unavailable e) {
        rows.add(new TableRow(t.name(), t.uri(), "/lake/tables/" + Paths.segment(t.name()), null, e.getMessage()));
      }
    }
    Model m = Model.of("tables", rows).with("catalog", tables.catalogDir().toString())
        .with("query", r.param("query", rows.isEmpty() ? "" : "SELECT * FROM " + rows.get(0).name() + " LIMIT 10"));
    r.param("query").ifPresent(q -> m.with("result", run(refs, q, errors)));
    return Response.html(views.page("Lake", "/lake", "lake", m, errors));
  }

  private SqlBox.Result run(List<TableRef> refs, String query, List<String> errors) {
    try {
      return sql.run(refs, query);
    } catch (JobException e) { // a catalog table with no Hudi table at its location
      errors.add(e.getMessage());
      return null;
    }
  }

  private Response table(Request r) {
    TableRef ref = tables.table(r.pathParam(0));
    HudiTimeline.Table t = HudiTimeline.read(ref.uri());
    Model m = Model.of("ref", ref).with("table", t).with("rowsPath", "/lake/tables/" + Paths.segment(ref.name())
        + "/rows").with("queryPath", "/lake?query=" + Paths.query("SELECT * FROM " + ref.name() + " LIMIT 20"));
    return Response.html(views.page(ref.name() + " · Lake", "/lake", "table", m, List.of()));
  }

  private Response rowCount(Request r) {
    TableRef ref = tables.table(r.pathParam(0));
    SqlBox.Result result = sql.run(List.of(ref), "SELECT count(*) FROM `" + ref.name() + "`");
    String text = result.failed() ? "cannot count: " + result.error() : result.rows().get(0).get(0);
    return Response.html(views.fragment("rowcount", Model.of("count", text).with("failed", result.failed())));
  }
}
