package io.tributary.cli;

import io.tributary.spark.config.ConfigException;
import io.tributary.spark.config.ConfigLoader;
import io.tributary.spark.config.JobConfig;
import io.tributary.spark.config.JobKind;
import io.tributary.spark.jobs.JobTotals;
import io.tributary.spark.jobs.Jobs;
import io.tributary.spark.lake.LakeSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The quickstart's Spark part, in this process: a local session (started early, while events are still
 * being generated, because it takes seconds), the {@code aggregate} job over the topic, and the final query.
 */
final class QuickstartSpark implements AutoCloseable {
  static final String WINDOW_TABLE = "events_per_window";
  /** The query the quickstart prints: the lake table the connector wrote, summarised. */
  static final String QUERY = "SELECT region, COUNT(*) AS keys, SUM(seq) AS sum_seq, ROUND(SUM(amount), 2) AS amount "
      + "FROM events GROUP BY region ORDER BY region";

  private final SparkSession spark;

  private QuickstartSpark(SparkSession spark) {
    this.spark = spark;
  }

  static QuickstartSpark start(Path work) {
    SparkSession spark = LakeSession.configure(SparkSession.builder()
            .appName("tributary-quickstart")
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.warehouse.dir", work.resolve("spark/warehouse").toString())
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1"))
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    return new QuickstartSpark(spark);
  }

  /** Writes the aggregate job's file: per-region counts and amounts in 1-second event-time windows. */
  static Path writeAggregateJob(Path dir, String bootstrap, String registryUrl, String lakeUri) throws IOException {
    Path file = dir.resolve("events-per-window.yaml");
    Files.createDirectories(dir);
    Files.writeString(file, """
        # Events counted per region in 1-second windows of their updatedAt (event time), upserted into a Hudi
        # table keyed by window and region. Run again: ./tributary spark submit aggregate --config THIS_FILE
        name: events-per-window
        source:
          topic: %s
          bootstrap.servers: %s
        schema:
          registry.url: %s
        table:
          path: %s%s
          options:
            # one writer, a small table: no timeline server, and no metadata table (creating it is most of the
            # first commit's time; listing a few files directly costs nothing)
            hoodie.embed.timeline.server: "false"
            hoodie.metadata.enable: "false"
        stream:
          trigger: available-now
        window:
          event.time.field: updatedAt
          duration: 1s
          watermark.delay: 10s
          group.by: region
          sum: amount
        spark:
          spark.sql.shuffle.partitions: 4
        """.formatted(Quickstart.TOPIC, bootstrap, registryUrl, lakeUri, WINDOW_TABLE));
    return file;
  }

  /** Runs the aggregate job over what the topic holds now; its progress lines go to {@code out}. */
  JobTotals aggregate(Path jobFile, PrintWriter out) throws Exception {
    JobConfig config;
    try {
      config = ConfigLoader.load(JobKind.AGGREGATE, jobFile);
    } catch (ConfigException e) {
      throw new CliException("the quickstart wrote an invalid job file (a bug): " + e.getMessage(), e);
    }
    // The jobs print their progress on System.out; indent it under the quickstart's step.
    PrintStream original = System.out;
    System.setOut(new PrintStream(new IndentingStream(out), true));
    try {
      return Jobs.run(spark, config);
    } finally {
      System.setOut(original);
    }
  }

  /** Registers a Hudi table under a name for SQL. */
  void register(String name, String path) {
    spark.read().format("hudi").load(path).createOrReplaceTempView(name);
  }

  /** Runs a query; the first row is the header. */
  List<List<String>> query(String sql) {
    Dataset<Row> result = spark.sql(sql);
    String[] columns = result.columns();
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of(columns));
    for (Row r : result.collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < columns.length; i++) {
        cells.add(r.isNullAt(i) ? "NULL" : String.valueOf(r.get(i)));
      }
      rows.add(cells);
    }
    return rows;
  }

  @Override
  public void close() {
    spark.stop();
  }

  /** Prefixes each line written to it with the quickstart's indentation. */
  private static final class IndentingStream extends OutputStream {
    private final PrintWriter out;
    private final StringBuilder line = new StringBuilder();

    IndentingStream(PrintWriter out) {
      this.out = out;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        out.println("                " + line);
        out.flush();
        line.setLength(0);
      } else {
        line.append((char) b);
      }
    }
  }
}
