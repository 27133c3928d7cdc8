package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.PipelineLoader;
import io.tributary.connect.Sink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieActiveTimeline;
import org.apache.hudi.hadoop.fs.HadoopFSUtils;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Done-when 2: {@code connect run} (topic -> MERGE_ON_READ table, compactions in the background, small commits)
 * in a child JVM is killed with {@code kill -9} at least seven times while it ingests (default 200,000 events over
 * 20,000 keys; {@code -Dtributary.crash.events=1000000} for the full size): at random moments, between the files
 * of a batch being written and its commit (the sink pauses there while a flag file exists), during the commit
 * (the pause released, then a random few ms), and during the rollback a restart does of what the previous kill
 * left inflight, and while a compaction is being executed. It is restarted after each kill; the last run ingests the rest and stops on SIGTERM. Spark then
 * reads exactly one row per key, the one with the largest seq.
 */
class HudiCrashTest {
  static final long EVENTS = Long.getLong("tributary.crash.events", 200_000);
  static final long KEYS = EVENTS / 10;
  static final String TOPIC = "crash";

  @TempDir static Path dir;
  static Lake lake;

  @BeforeAll
  static void produce() throws Exception {
    lake = Lake.start(dir);
    lake.produce(TOPIC, 4, EVENTS, KEYS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) {
      lake.close();
    }
  }

  Sink.Hudi sink;
  Path pipeline;
  Path flag;
  int runs;
  final List<String> kills = new ArrayList<>();

  @Test
  void killNineAtRandomMomentsLeavesExactlyTheExpectedTable() throws Exception {
    String tablePath = dir.resolve("lake/crash_mor").toUri().toString();
    pipeline = lake.pipeline("crash-mor", TOPIC, tablePath, "MERGE_ON_READ", null, 15_000, 1000, "");
    sink = (Sink.Hudi) PipelineLoader.load(pipeline).sink();
    flag = dir.resolve("pause-before-commit");
    long seed = Long.getLong("tributary.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    System.out.println("FIGURE crash: seed " + seed + " (-Dtributary.crash.seed to replay)");

    killAtRandomMoment(random);
    killBetweenWriteAndCommit();
    boolean caughtRollback = killDuringRollback();
    killDuringCommit(random);
    killDuringCompaction();
    killAtRandomMoment(random);
    killAtRandomMoment(random);

    // the last run ingests the rest, then stops cleanly
    ConnectorProcess last = start();
    assertTrue(Lake.await(() -> committedRecords() == EVENTS || !last.alive(), 600_000),
        () -> "table at " + committedRecords() + " of " + EVENTS + "; " + tail(last));
    int code = last.terminate(120_000);
    // the JVM exits 143 on SIGTERM; the clean stop shows in the summary line and an empty error stream
    assertTrue(code == 143 || code == 0, () -> "exit " + code + ": " + tail(last));
    assertTrue(last.stdout().contains("(stopped)"), () -> tail(last));
    assertTrue(!last.stderr().contains("failed") && !last.stderr().contains("Exception"), () -> tail(last));
    kills.forEach(k -> System.out.println("FIGURE crash " + k));
    System.out.println("FIGURE crash: " + kills.size() + " kills -9, " + runs + " runs; rollback caught in flight: "
        + caughtRollback);
    assertTrue(kills.size() >= 7, kills.toString());
    assertTrue(kills.stream().filter(k -> k.contains("random moment")).count() >= 3, kills.toString());

    List<Row> rows = SparkReader.read(tablePath).select("key", "seq", "status", "amount").collectAsList();
    Map<String, Map<String, Object>> expected = Lake.expected(EVENTS, KEYS);
    assertEquals(KEYS, rows.size());
    Map<String, Row> byKey = new HashMap<>();
    for (Row r : rows) {
      assertNull(byKey.put(r.getString(0), r), "key " + r.getString(0) + " twice");
      Map<String, Object> e = expected.get(r.getString(0));
      assertEquals(e.get("seq"), r.getLong(1), r.getString(0));
      assertEquals(e.get("status"), r.getString(2), r.getString(0));
      assertEquals((Double) e.get("amount"), r.getDouble(3), 0.0, r.getString(0));
    }
    HoodieTableMetaClient meta = HoodieTableMetaClient.builder()
        .setConf(HadoopFSUtils.getStorageConf(new Configuration())).setBasePath(sink.tablePath().toString()).build();
    int compactions = meta.getActiveTimeline().getCommitTimeline().filterCompletedInstants().countInstants();
    System.out.println("FIGURE crash: " + compactions + " compactions completed in the active timeline");
    assertTrue(compactions >= 1, "no compaction completed");
    System.out.println("FIGURE crash: Spark reads " + rows.size() + " rows, one per key, each with the largest seq");
  }

  private ConnectorProcess start() throws Exception {
    runs++;
    Path logs = Path.of("target", "crash-test-logs");
    Files.createDirectories(logs);
    return ConnectorProcess.start(pipeline, flag, logs, "run-" + runs);
  }

  /** Starts a run and waits until it has committed something (so each kill interrupts real ingestion). */
  private ConnectorProcess startAndAwaitProgress() throws Exception {
    long before = committedRecords();
    long t0 = System.currentTimeMillis();
    ConnectorProcess p = start();
    assertTrue(Lake.await(() -> committedRecords() > before || !p.alive(), 300_000) && p.alive(),
        () -> "no progress: " + tail(p));
    System.out.println("crash test: run " + runs + " committed its first batch " + (System.currentTimeMillis() - t0)
        + " ms after its start");
    return p;
  }

  private void killAtRandomMoment(Random random) throws Exception {
    ConnectorProcess p = startAndAwaitProgress();
    long before = committedRecords();
    long delay = random.nextInt(3000);
    Thread.sleep(delay);
    assertTrue(p.alive(), () -> "the connector exited by itself: " + tail(p));
    p.kill9();
    kills.add("kill #" + (kills.size() + 1) + " at a random moment (" + delay + " ms after a commit was seen): table "
        + before + " -> " + committedRecords() + " records, " + pending());
  }

  private void killBetweenWriteAndCommit() throws Exception {
    ConnectorProcess p = startAndAwaitProgress();
    Files.writeString(flag, "pause");
    assertTrue(p.awaitOutput(180_000, HudiTable.PAUSE_MARKER), () -> "no pause marker: " + tail(p));
    p.kill9();
    Files.delete(flag);
    String state = pending();
    assertTrue(state.contains("inflight commits 1"), state);
    kills.add("kill #" + (kills.size() + 1) + " between write and commit: table at " + committedRecords()
        + " records, " + state);
  }

  /**
   * Restarts after a kill that left an instant inflight, watches the table's timelines for the rollback that the
   * start makes, and kills the moment its plan is on disk; true if it was caught before it completed.
   */
  private boolean killDuringRollback() throws Exception {
    ConnectorProcess p = start();
    assertTrue(p.awaitOutput(180_000, HudiTable.ROLLBACK_MARKER), () -> "no rollback marker: " + tail(p));
    long t0 = System.currentTimeMillis();
    String seen = null;
    while (seen == null && System.currentTimeMillis() - t0 < 20_000 && p.alive()) {
      seen = pendingRollbackFile();
    }
    p.kill9();
    String state = pending();
    boolean caught = seen != null && state.contains("pending rollbacks 1");
    kills.add("kill #" + (kills.size() + 1) + " during the restart's rollback (" + (seen == null ? "no rollback plan seen"
        : seen + " seen " + (System.currentTimeMillis() - t0) + " ms after the marker") + "): " + state
        + (caught ? " (caught in flight)" : " (not caught in flight)"));
    return caught;
  }

  /** A rollback instant file on either timeline (data table, metadata table) that has no completed twin, or null. */
  private String pendingRollbackFile() {
    Path base = Path.of(sink.tablePath());
    for (Path timeline : List.of(base.resolve(".hoodie/timeline"), base.resolve(".hoodie/metadata/.hoodie/timeline"))) {
      String[] names = timeline.toFile().list();
      if (names == null) {
        continue;
      }
      java.util.Set<String> completed = new java.util.HashSet<>();
      List<String> open = new ArrayList<>();
      for (String n : names) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(_\\d+)?\\.rollback(\\.requested|\\.inflight)?").matcher(n);
        if (m.matches()) {
          if (m.group(3) == null) {
            completed.add(m.group(1));
          } else {
            open.add(m.group(1) + ".rollback" + m.group(3));
          }
        }
      }
      for (String o : open) {
        if (!completed.contains(o.substring(0, o.indexOf('.')))) {
          return base.relativize(timeline) + "/" + o;
        }
      }
    }
    return null;
  }

  private void killDuringCommit(Random random) throws Exception {
    ConnectorProcess p = startAndAwaitProgress();
    Files.writeString(flag, "pause");
    assertTrue(p.awaitOutput(180_000, HudiTable.PAUSE_MARKER), () -> "no pause marker: " + tail(p));
    long before = committedRecords();
    Files.delete(flag);
    long delay = random.nextInt(300);
    Thread.sleep(delay);
    p.kill9();
    kills.add("kill #" + (kills.size() + 1) + " " + delay + " ms after the commit was let go: table " + before
        + " -> " + committedRecords() + " records, " + pending());
  }

  /**
   * Waits until a compaction is being executed (its instant inflight on the data timeline: the background
   * compactor rewrites base files while the writer goes on), then kills; the next start redoes it.
   */
  private void killDuringCompaction() throws Exception {
    ConnectorProcess p = startAndAwaitProgress();
    long t0 = System.currentTimeMillis();
    String seen = null;
    while (seen == null && System.currentTimeMillis() - t0 < 300_000 && p.alive()) {
      seen = inflightCompactionFile();
      if (seen == null) {
        Thread.sleep(5);
      }
    }
    assertTrue(seen != null && p.alive(), () -> "no compaction seen in flight: " + tail(p));
    p.kill9();
    String state = pending();
    kills.add("kill #" + (kills.size() + 1) + " while compaction " + seen + " ran: table at " + committedRecords()
        + " records, " + state);
  }

  /** The data timeline's compaction that is inflight (started, not completed), or null. */
  private String inflightCompactionFile() {
    String[] names = Path.of(sink.tablePath()).resolve(".hoodie/timeline").toFile().list();
    if (names == null) {
      return null;
    }
    java.util.Set<String> completed = new java.util.HashSet<>();
    List<String> inflight = new ArrayList<>();
    for (String n : names) {
      if (n.endsWith(".compaction.inflight")) {
        inflight.add(n.substring(0, n.indexOf('.')));
      } else if (n.matches("\\d+_\\d+\\.commit")) {
        completed.add(n.substring(0, n.indexOf('_')));
      }
    }
    return inflight.stream().filter(i -> !completed.contains(i)).findFirst().map(i -> i + ".compaction.inflight")
        .orElse(null);
  }

  /** Records covered by the table's last checkpoint (read without a writer). */
  private long committedRecords() {
    try {
      Optional<KafkaCheckpoint> cp = HudiTable.readLastCheckpoint(sink, new Configuration());
      return cp.map(c -> c.nextOffsets().values().stream().mapToLong(Long::longValue).sum()).orElse(0L);
    } catch (org.apache.hudi.exception.TableNotFoundException e) {
      return 0; // being created by the child right now
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The table's unfinished instants, as the next start will find them. */
  private String pending() throws Exception {
    if (!HudiTable.exists(sink, new Configuration())) {
      return "no table yet";
    }
    HoodieTableMetaClient meta = HoodieTableMetaClient.builder()
        .setConf(HadoopFSUtils.getStorageConf(new Configuration())).setBasePath(sink.tablePath().toString()).build();
    HoodieActiveTimeline t = meta.getActiveTimeline();
    return "inflight commits " + t.getDeltaCommitTimeline().filterInflightsAndRequested().countInstants()
        + ", pending compactions " + t.filterPendingCompactionTimeline().countInstants()
        + ", pending rollbacks " + t.getRollbackTimeline().filterInflightsAndRequested().countInstants();
  }

  private static String tail(ConnectorProcess p) {
    try {
      String err = p.stderr();
      String out = p.stdout();
      return "STDERR[" + err.substring(Math.max(0, err.length() - 3000)) + "] STDOUT["
          + out.substring(Math.max(0, out.length() - 3000)) + "]";
    } catch (Exception e) {
      return e.toString();
    }
  }
}
