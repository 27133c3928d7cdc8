package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spark.lake.HudiWriter;
import io.tributary.spark.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.storage.hadoop.HadoopStorageConfiguration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tributary sql} on a Hudi table with three commits: a snapshot, an incremental (--since) and a
 * time-travel (TIMESTAMP AS OF) query answer exactly; the three output formats; the catalog folder; a bad
 * query prints Spark's message and no stack trace.
 */
class SqlCommandTest {
  @TempDir static Path dir;
  static Path table;
  static List<HoodieInstant> commits;

  /** Commit 1: k1..k3 at v=1. Commit 2: k2 -> 2, new k4. Commit 3: k3 -> 3, new k5. */
  @BeforeAll
  static void threeCommits() throws Exception {
    SparkSession spark = TestSpark.session();
    table = dir.resolve("lake/orders");
    HudiWriter writer = new HudiWriter(table.toUri().toString(), "orders", "COPY_ON_WRITE", List.of("key"), "seq",
        List.of(), Map.of("hoodie.metadata.enable", "false", "hoodie.embed.timeline.server", "false"));
    writer.upsert(spark.sql("SELECT * FROM VALUES ('k1', 1L, 1), ('k2', 1L, 1), ('k3', 1L, 1) AS t(key, seq, v)"), Map.of());
    writer.upsert(spark.sql("SELECT * FROM VALUES ('k2', 2L, 2), ('k4', 2L, 1) AS t(key, seq, v)"), Map.of());
    writer.upsert(spark.sql("SELECT * FROM VALUES ('k3', 3L, 3), ('k5', 3L, 1) AS t(key, seq, v)"), Map.of());
    commits = HoodieTableMetaClient.builder()
        .setConf(new HadoopStorageConfiguration(spark.sparkContext().hadoopConfiguration()))
        .setBasePath(table.toUri().toString()).build()
        .getCommitsTimeline().filterCompletedInstants().getInstants();
    assertEquals(3, commits.size());
  }

  static Cli.Result sql(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "sql";
    System.arraycopy(args, 0, all, 1, args.length);
    return Cli.run(all);
  }

  static String orders() {
    return "orders=" + table.toUri();
  }

  @Test
  void snapshotIncrementalAndTimeTravelQueries() {
    Cli.Result snapshot = sql("SELECT key, v FROM orders ORDER BY key", "--table", orders(), "--catalog", dir.resolve("none").toString());
    assertEquals(0, snapshot.code(), snapshot.toString());
    assertEquals("""
        key  v
        k1   1
        k2   2
        k3   3
        k4   1
        k5   1
        (5 rows)
        """, snapshot.out());

    // incremental: what commits 2 and 3 wrote (compared with completion times: Hudi 1.x)
    Cli.Result incremental = sql("SELECT key, v FROM orders ORDER BY key", "--table", orders(),
        "--since", commits.get(0).getCompletionTime());
    assertEquals(0, incremental.code(), incremental.toString());
    assertEquals("key  v\nk2   2\nk3   3\nk4   1\nk5   1\n(4 rows)\n", incremental.out());

    // time travel to commit 2: k3 still at 1, k5 not yet written
    Cli.Result travel = sql("SELECT key, v FROM orders TIMESTAMP AS OF '" + commits.get(1).requestedTime()
        + "' ORDER BY key", "--table", orders());
    assertEquals(0, travel.code(), travel.toString());
    assertEquals("key  v\nk1   1\nk2   2\nk3   1\nk4   1\n(4 rows)\n", travel.out());
    System.out.printf("FIGURE sql: snapshot 5 rows, incremental since %s 4 rows, time travel to %s 4 rows%n",
        commits.get(0).getCompletionTime(), commits.get(1).requestedTime());
  }

  @Test
  void csvJsonAndTheCatalogFolder() throws Exception {
    Path catalog = dir.resolve("catalog");
    Files.createDirectories(catalog);
    Files.writeString(catalog.resolve("orders.yaml"), "path: ../lake/orders\n");
    Cli.Result csv = sql("SELECT key, v, concat('a,', key) AS text, CAST(NULL AS STRING) AS nothing FROM orders WHERE v > 1 ORDER BY key",
        "--catalog", catalog.toString(), "--format", "csv");
    assertEquals(0, csv.code(), csv.toString());
    assertEquals("key,v,text,nothing\nk2,2,\"a,k2\",\nk3,3,\"a,k3\",\n", csv.out());

    Cli.Result json = sql("SELECT key, v FROM orders WHERE key = 'k1'", "--catalog", catalog.toString(), "-f", "json");
    assertEquals(0, json.code(), json.toString());
    assertEquals("{\"key\":\"k1\",\"v\":1}\n", json.out());

    Cli.Result limited = sql("SELECT key FROM orders ORDER BY key", "--catalog", catalog.toString(), "--max-rows", "2");
    assertEquals("key\nk1\nk2\n(2 rows; more not shown: --max-rows)\n", limited.out());

    Files.writeString(catalog.resolve("broken.yaml"), "paht: /x\n");
    Cli.Result broken = sql("SELECT 1", "--catalog", catalog.toString());
    assertEquals(2, broken.code(), broken.toString());
    assertEquals("error: " + catalog.resolve("broken.yaml") + ":1: paht: unknown key (expected path, description)\n",
        broken.err());
  }

  @Test
  void aBadQueryGetsSparksMessageAndNoStackTrace() {
    Cli.Result parse = sql("SELEC key FROM orders", "--table", orders());
    assertNotEquals(0, parse.code());
    assertTrue(parse.err().startsWith("error: [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'"), parse.toString());
    assertNoStackTrace(parse);

    Cli.Result column = sql("SELECT nope FROM orders", "--table", orders());
    assertNotEquals(0, column.code());
    assertTrue(column.err().startsWith("error: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter "
        + "with name `nope` cannot be resolved."), column.toString());
    assertFalse(column.err().contains("Project"), "no plan: " + column);
    assertNoStackTrace(column);

    Cli.Result missing = sql("SELECT * FROM nowhere", "--table", orders());
    assertTrue(missing.err().startsWith("error: [TABLE_OR_VIEW_NOT_FOUND]"), missing.toString());

    Cli.Result notATable = sql("SELECT 1", "--table", "x=" + dir.resolve("empty").toUri());
    assertEquals("error: table 'x' (--table x=" + dir.resolve("empty").toUri().toString().replaceAll("/$", "")
        + "): no Hudi table at " + dir.resolve("empty").toUri().toString().replaceAll("/$", "") + "\n", notATable.err());
    assertEquals("", parse.out());
  }

  static void assertNoStackTrace(Cli.Result r) {
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r);
  }
}
