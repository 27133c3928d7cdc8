package io.tributary.console.lake;

import io.tributary.spark.lake.LakeSession;
import io.tributary.spark.sql.LakeCatalog.TableRef;
import io.tributary.spark.sql.LakeSql;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.functions;

/**
 * The lake's SQL box: Spark SQL over the catalog's tables (the same registration as {@code tributary sql}), in a
 * local Spark session of the console's JVM, started on the first query and kept: a query then answers in
 * about a second instead of a new JVM's 15. One query at a time (a console is a tool for one person).
 */
public final class SqlBox implements AutoCloseable {
  /** Most rows a result shows. */
  public static final int MAX_ROWS = 500;

  /** A result: its columns and rows (every cell as Spark's text of it, NULL for nulls), or Spark's error. */
  public record Result(List<String> columns, List<List<String>> rows, boolean truncated, String error) {
    public boolean failed() {
      return error != null;
    }
  }

  private SparkSession spark;

  public synchronized Result run(List<TableRef> tables, String query) {
    try {
      Dataset<Row> df = LakeSql.query(session(), tables, null, query);
      String[] columns = df.columns();
      List<Column> asText = new ArrayList<>();
      for (int i = 0; i < columns.length; i++) {
        asText.add(functions.col("`" + columns[i].replace("`", "``") + "`").cast("string").as("c" + i));
      }
      List<Row> collected = df.select(asText.toArray(Column[]::new)).limit(MAX_ROWS + 1).collectAsList();
      List<List<String>> rows = new ArrayList<>();
      for (Row r : collected.subList(0, Math.min(MAX_ROWS, collected.size()))) {
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < r.length(); i++) {
          cells.add(r.isNullAt(i) ? "NULL" : r.getString(i));
        }
        rows.add(cells);
      }
      return new Result(Arrays.asList(columns), rows, collected.size() > MAX_ROWS, null);
    } catch (Exception e) { // Scala does not declare them: ParseException, AnalysisException, SparkException
      return new Result(List.of(), List.of(), false, message(e));
    }
  }

  /** Spark's own message, without the plan or stack trace. */
  static String message(Throwable e) {
    if (e instanceof ParseException) {
      return e.getMessage().strip();
    }
    if (e instanceof AnalysisException a) {
      return a.getSimpleMessage();
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  private SparkSession session() {
    if (spark == null) {
      spark = LakeSession.configure(SparkSession.builder().master("local[2]").appName("tributary console")
          .config("spark.ui.enabled", "false")
          .config("spark.ui.showConsoleProgress", "false")
          .config("spark.sql.shuffle.partitions", "2")).getOrCreate();
    }
    return spark;
  }

  @Override
  public synchronized void close() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }
}
