package io.tributary.cli;

import io.tributary.spark.JobException;
import io.tributary.spark.lake.LakeSession;
import io.tributary.spark.sql.LakeCatalog.TableRef;
import io.tributary.spark.sql.LakeCatalog;
import io.tributary.spark.sql.LakeSql;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tributary sql "QUERY"}: Spark SQL (local) over lake tables named by {@code --table NAME=LOCATION}
 * or by the catalog folder; Hudi snapshot queries with time travel ({@code TIMESTAMP AS OF}), or incremental
 * ones ({@code --since}). A bad query prints Spark's own message, no stack trace.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {"Run Spark SQL over lake (Hudi) tables and print the result.",
        "Tables: --table NAME=LOCATION (repeatable) and every <name>.yaml (path: LOCATION) of the catalog folder.",
        "Time travel: SELECT ... FROM t TIMESTAMP AS OF '2024-05-01 12:00:00' (or a commit instant).",
        "Incremental: --since INSTANT reads only what commits completed after INSTANT wrote."})
final class SqlCommand implements Callable<Integer> {
  enum Format { table, csv, json }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "QUERY", description = "The SQL query.")
  String query;

  @Option(names = {"-t", "--table"}, paramLabel = "NAME=LOCATION",
      description = "A table by location: file:///..., hdfs://..., or a local path (repeatable).")
  List<String> tables = new ArrayList<>();

  @Option(names = "--catalog", paramLabel = "DIR",
      description = "Folder of table definitions, one <name>.yaml with 'path: LOCATION' each (default: $TRIBUTARY_HOME/.local/catalog).")
  Path catalog;

  @Option(names = "--since", paramLabel = "INSTANT",
      description = "Incremental query: only the records of commits completed after this Hudi instant (yyyyMMddHHmmssSSS).")
  String since;

  @Option(names = {"-f", "--format"}, defaultValue = "table",
      description = "Output: table (aligned columns), csv or json (one object per line). Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = "--max-rows", defaultValue = "1000", description = "Most rows printed (default: ${DEFAULT-VALUE}).")
  int maxRows;

  @Option(names = "--master", defaultValue = "local[*]", description = "Spark master (default: ${DEFAULT-VALUE}).")
  String master;

  @Override
  public Integer call() {
    if (maxRows < 1) {
      throw new CliException("--max-rows must be at least 1, got " + maxRows, 2);
    }
    if (since != null && !since.matches("[0-9]{8,17}")) {
      throw new CliException("--since " + since + ": expected a Hudi instant such as 20240501120000000 "
          + "(see CALL show_commits(table => 'NAME'))", 2);
    }
    Map<String, TableRef> byName = new LinkedHashMap<>();
    try {
      for (TableRef t : LakeCatalog.read(catalog != null ? catalog : LakeCatalog.defaultDir())) {
        byName.put(t.name(), t);
      }
      for (String t : tables) {
        TableRef ref = LakeCatalog.option(t, Path.of("").toAbsolutePath());
        byName.put(ref.name(), ref);
      }
    } catch (JobException e) {
      throw new CliException(e.getMessage(), 2);
    }
    quietLogging();
    // Libraries print to System.out (Hudi's object sizing prints JOL warnings): keep stdout for the result
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      return run(byName);
    } finally {
      System.setOut(stdout);
    }
  }

  private int run(Map<String, TableRef> byName) {
    SparkSession spark = LakeSession.configure(SparkSession.builder().master(master).appName("tributary sql")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Dataset<Row> result;
    List<Row> rows;
    try {
      result = LakeSql.query(spark, new ArrayList<>(byName.values()), since, query);
      rows = (format == Format.json ? result.toJSON().toDF() : asText(result)).limit(maxRows + 1).collectAsList();
    } catch (JobException e) {
      throw new CliException(e.getMessage());
    } catch (Exception e) { // Scala's exceptions are not declared: AnalysisException, SparkException
      throw new CliException(sparkMessage(e));
    }
    print(spec.commandLine().getOut(), result.columns(), rows);
    return 0;
  }

  /** Spark's own message of a failed query, without the plan or stack trace it carries. */
  static String sparkMessage(Throwable e) {
    if (e instanceof ParseException) {
      return e.getMessage().strip(); // the query with a marker under the error
    }
    if (e instanceof AnalysisException a) {
      return a.getSimpleMessage();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String first = m.lines().findFirst().orElse(m);
    return root == e ? first : first + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }

  /** Every column as Spark's own text of it (as spark-sql prints), nulls kept as nulls. */
  private static Dataset<Row> asText(Dataset<Row> df) {
    List<Column> cols = new ArrayList<>();
    int i = 0;
    for (String c : df.columns()) {
      cols.add(functions.col("`" + c.replace("`", "``") + "`").cast("string").as("c" + i++));
    }
    return df.select(cols.toArray(Column[]::new));
  }

  private void print(PrintWriter out, String[] columns, List<Row> rows) {
    boolean truncated = rows.size() > maxRows;
    List<Row> shown = truncated ? rows.subList(0, maxRows) : rows;
    switch (format) {
      case json -> shown.forEach(r -> out.println(r.getString(0)));
      case csv -> {
        out.println(String.join(",", Arrays.stream(columns).map(SqlCommand::csv).toList()));
        for (Row r : shown) {
          List<String> cells = new ArrayList<>();
          for (int i = 0; i < r.length(); i++) {
            cells.add(r.isNullAt(i) ? "" : csv(r.getString(i)));
          }
          out.println(String.join(",", cells));
        }
      }
      case table -> {
        Table t = new Table(columns);
        for (Row r : shown) {
          Object[] cells = new Object[r.length()];
          for (int i = 0; i < r.length(); i++) {
            cells[i] = r.isNullAt(i) ? "NULL" : r.getString(i);
          }
          t.row(cells);
        }
        t.print(out, "");
        out.println("(" + shown.size() + (shown.size() == 1 ? " row" : " rows")
            + (truncated ? "; more not shown: --max-rows" : "") + ")");
      }
    }
    if (truncated && format != Format.table) {
      spec.commandLine().getErr().println("note: only the first " + maxRows + " rows were printed (--max-rows)");
      spec.commandLine().getErr().flush();
    }
    out.flush();
  }

  static String csv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
        ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  /** Spark and Hadoop say at WARN what a one-shot query does not need to hear. */
  private static void quietLogging() {
    Configurator.setLevel("org.apache.spark", Level.WARN);
    Configurator.setLevel("org.apache.hudi", Level.WARN);
    Configurator.setLevel("org.apache.hadoop.util.NativeCodeLoader", Level.ERROR);
    Configurator.setLevel("org.apache.spark.util.Utils", Level.ERROR);
  }
}
