package io.tributary.bench;

import io.tributary.connect.PipelineLoader;
import io.tributary.connect.hudi.TopicToHudiTask;
import io.tributary.connect.runtime.Pacer;
import io.tributary.connect.runtime.PipelineTask;
import io.tributary.connect.runtime.PipelineTasks;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.testkit.PostgresServer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench/run.sh cdc-hudi}: change data capture from a real PostgreSQL into a queryable Hudi table, with the
 * platform's own two pipelines as a user runs them: {@code postgres -> topic} (Debezium's embedded engine,
 * pgoutput) and {@code topic -> hudi} (record key {@code id}, precombine {@code __lsn}, hard deletes). Everything
 * runs in this JVM: a PostgreSQL server of its own ({@link PostgresServer}: initdb, pg_ctl, wal_level=logical), one
 * Tributary broker and the registry, both pipelines on threads, and Spark (local[2], the Hudi bundle) as the
 * reader that decides when a row is queryable.
 *
 * <p>A row is queryable from the moment the Hudi commit that wrote it completes (Hudi readers see completed
 * instants only); the sink's commit callback says when that was. Each figure is given to that moment and, as a
 * check, to the end of the first Spark read that returned the rows. Phases: (a) snapshot: {@code --rows} rows
 * are in the table before the pipelines start; rows/s = rows / time from the start to the commit that holds the
 * last of them. (b) streaming: {@code --changes} random inserts, updates and deletes ({@link ChangeWorkload})
 * written as fast as PostgreSQL takes them, {@value #CHANGES_PER_TRANSACTION} per transaction, then an end-marker
 * row; changes/s = changes / time from the first change to the commit that holds the marker (found by Spark
 * through the row's {@code _hoodie_commit_time}). (c) event-to-queryable latency: {@code --markers} marker rows
 * (their note holds the time of their commit), one every {@code --marker-interval-ms} while changes go on at
 * {@code --background-rate}/s; each one's latency runs from its commit in PostgreSQL to the completion of the
 * Hudi commit that holds it. Finally the Hudi table read by Spark must equal {@code SELECT * FROM items} (row
 * count and a CRC-32 over every column, {@link TableChecksum}); exit code 1 otherwise.
 */
public final class CdcHudiBench {
  static final String TABLE = "items";
  static final String TOPIC_PREFIX = "pg";
  static final String TOPIC = TOPIC_PREFIX + ".public." + TABLE;
  static final List<String> TABLE_TYPES = List.of("COPY_ON_WRITE", "MERGE_ON_READ");
  /** Changes per PostgreSQL transaction in the streaming phase and in the background load. */
  static final int CHANGES_PER_TRANSACTION = 10;
  /** Pause between two Spark reads that poll for a marker, so that polling does not take a whole core. */
  static final long POLL_PAUSE_MS = 100;
  /** Longest one phase may take before the benchmark gives up (ms). */
  static final long PHASE_TIMEOUT_MS = TimeUnit.HOURS.toMillis(2);
  /** Marker ids are negative, so the workload (ids from 1 up) never touches them. */
  static final int STREAM_END_ID = -1;
  static final int FINAL_END_ID = -2;
  static final int FIRST_MARKER_ID = -3;

  private final int rows;
  private final int changes;
  private final String tableType;
  private final int markers;
  private final long markerIntervalMs;
  private final long backgroundRate;
  private final long commitIntervalMs;
  private final long batch;
  private final boolean metadataTable;
  private final Path dir;
  private final PrintStream out = System.out;

  private PostgresServer pg;
  private SparkSession spark;
  private String tablePath;
  /** Spark reads made to poll for markers and their total time, for the report. */
  private long polls;
  private long pollNanos;
  /** When each of the sink's Hudi commits completed (epoch ms), by instant: when its rows became queryable. */
  private final Map<String, Long> commitCompleted = new ConcurrentHashMap<>();

  CdcHudiBench(Args a) throws Exception {
    rows = atLeast("rows", a.intValue("rows", 100_000), 1);
    changes = atLeast("changes", a.intValue("changes", rows), 0);
    tableType = tableType(a.string("table-type", "COPY_ON_WRITE"));
    markers = atLeast("markers", a.intValue("markers", 30), 0);
    markerIntervalMs = atLeast("marker-interval-ms", a.longValue("marker-interval-ms", 1000), 0);
    backgroundRate = atLeast("background-rate", a.longValue("background-rate", 100), 0);
    commitIntervalMs = atLeast("commit-interval-ms", a.longValue("commit-interval-ms", 1000), 1);
    batch = atLeast("batch", a.longValue("batch", 100_000), 1);
    metadataTable = Boolean.parseBoolean(a.string("metadata-table", "false"));
    dir = a.has("dir") ? Path.of(a.string("dir", null)) : Files.createTempDirectory("cdc-hudi-bench");
  }

  /** The Hudi table type, by Hudi's name (any case); anything else is refused naming the choices. */
  static String tableType(String given) {
    String t = given.trim().toUpperCase(Locale.ROOT);
    if (!TABLE_TYPES.contains(t)) {
      throw new IllegalArgumentException("--table-type: " + String.join(" or ", TABLE_TYPES) + ", not '" + given
          + "'");
    }
    return t;
  }

  private static <N extends Number> N atLeast(String option, N value, long min) {
    if (value.longValue() < min) {
      throw new IllegalArgumentException("--" + option + " must be >= " + min + ", not " + value);
    }
    return value;
  }

  public static void main(String[] argv) throws Exception {
    CdcHudiBench bench;
    try {
      Args a = new Args(argv, List.of("help"), List.of("rows", "changes", "table-type", "markers",
          "marker-interval-ms", "background-rate", "commit-interval-ms", "batch", "metadata-table", "dir"));
      if (a.flag("help")) {
        System.out.println(String.join("\n",
            "usage: bench/run.sh cdc-hudi [options]",
            "  --rows N                rows in the PostgreSQL table before the pipelines start (default 100000)",
            "  --changes M             random inserts/updates/deletes of the streaming phase (default rows)",
            "  --table-type T          COPY_ON_WRITE (default, the sink's default) or MERGE_ON_READ",
            "  --markers K             marker rows of the latency phase (default 30; 0 skips it)",
            "  --marker-interval-ms I  pause between two markers (default 1000)",
            "  --background-rate R     changes/s beside the markers (default 100; 0 = an idle table)",
            "  --commit-interval-ms C  the hudi sink's commit.interval.ms (default 1000)",
            "  --batch B               the hudi sink's commit.records (default 100000)",
            "  --metadata-table B      the sink's metadata.enable (default false)",
            "  --dir D                 working directory (default a new temporary one)"));
        return;
      }
      bench = new CdcHudiBench(a);
    } catch (IllegalArgumentException e) {
      System.err.println("cdc-hudi: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (!PostgresServer.installed()) {
      System.err.println("cdc-hudi: PostgreSQL 15 is not installed (initdb and pg_ctl in /usr/lib/postgresql/15/bin;"
          + " Debian's postgresql package, as .ci/run installs it)");
      System.exit(2);
    }
    boolean equal = bench.run();
    System.exit(equal ? 0 : 1); // Spark, Hudi and Debezium leave non-daemon threads behind
  }

  /** The whole benchmark; true when the Hudi table ended equal to PostgreSQL's. */
  boolean run() throws Exception {
    out.printf("cdc-hudi benchmark: %,d rows snapshot, %,d changes streamed, %s, metadata table %s, commit every "
        + "%,d ms or %,d records; latency: %d markers every %,d ms beside %,d changes/s; working directory %s%n",
        rows, changes, tableType, metadataTable ? "on" : "off", commitIntervalMs, batch, markers, markerIntervalMs,
        backgroundRate, dir);
    tablePath = dir.resolve("lake/" + TABLE).toUri().toString();
    try (PostgresServer server = PostgresServer.start();
         EmbeddedCluster cluster = EmbeddedCluster.start(1, dir.resolve("cluster"));
         RegistryServer registry = new RegistryServer(new RegistryConfig(Map.of(RegistryConfig.LISTENERS,
             "http://127.0.0.1:0", RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(), RegistryConfig.TOPIC_RF,
             "1"))).start()) {
      pg = server;
      long t = System.nanoTime();
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE " + TABLE + " (id int PRIMARY KEY, name text NOT NULL, qty int, "
            + "price numeric(10,2), note text)");
        s.execute("INSERT INTO " + TABLE + " SELECT i, 'item-' || i, i % 100, (i % 1000) / 10.0, NULL "
            + "FROM generate_series(1, " + rows + ") i");
      }
      out.printf("postgres: %,d rows loaded in %.1f s (port %d)%n", rows, seconds(t), pg.port());
      spark = ConnectHudiBench.sparkSession();
      spark.range(1).count(); // Spark's own start-up is not the pipeline's time

      Path capturePipeline = capturePipeline(cluster.bootstrapServers(), registry.url());
      Path lakePipeline = lakePipeline(cluster.bootstrapServers(), registry.url());
      TopicToHudiTask sink = TopicToHudiTask.create(PipelineLoader.load(lakePipeline), Map.of())
          .progress(line -> out.println("  sink: " + line), 10_000)
          .onCommit((instant, completedMillis, timestamps) -> commitCompleted.put(instant, completedMillis));
      PipelineTask source = PipelineTasks.create(PipelineLoader.load(capturePipeline), Map.of());
      Running capturing = new Running(source);
      Running ingesting = new Running(sink);
      try {
        Figures f = new Figures();
        snapshotPhase(sink, capturing, ingesting, f);
        ChangeWorkload workload = new ChangeWorkload(18, rows);
        streamingPhase(workload, capturing, ingesting, f);
        latencyPhase(workload, capturing, ingesting, f);
        insertMarker(FINAL_END_ID, "end");
        awaitVisible(FINAL_END_ID, capturing, ingesting);
        f.check = compare();
        out.println("sink: " + sink.summary());
        report(f);
        return f.check.equal();
      } finally {
        capturing.stop();
        ingesting.stop();
      }
    }
  }

  // ---------------------------------------------------------------- the phases

  /** What the report shows. */
  static final class Figures {
    double snapshotCommittedSeconds;
    double snapshotQueryableSeconds;
    double streamingWriteSeconds;
    double streamingCommittedSeconds;
    double streamingQueryableSeconds;
    /** From a marker's commit in PostgreSQL to the completion of the Hudi commit that holds it. */
    final LatencyStats latency = new LatencyStats();
    /** From a marker's commit in PostgreSQL to the end of the first Spark read that returned it. */
    final LatencyStats latencyRead = new LatencyStats();
    long backgroundChanges;
    Check check;
  }

  private void snapshotPhase(TopicToHudiTask sink, Running capturing, Running ingesting, Figures f)
      throws Exception {
    out.println("snapshot: starting the postgres -> topic and topic -> hudi pipelines...");
    long t0 = System.nanoTime();
    capturing.start();
    ingesting.start();
    await(() -> sink.metrics().recordsOut() >= rows, "snapshot: the sink's commits", capturing, ingesting);
    f.snapshotCommittedSeconds = seconds(t0);
    await(() -> countRows() >= rows, "snapshot: Spark reading every row", capturing, ingesting);
    f.snapshotQueryableSeconds = seconds(t0);
    out.printf("snapshot: %,d rows committed in %.1f s (%,.0f rows/s), all read by Spark after %.1f s%n", rows,
        f.snapshotCommittedSeconds, rows / f.snapshotCommittedSeconds, f.snapshotQueryableSeconds);
  }

  private void streamingPhase(ChangeWorkload workload, Running capturing, Running ingesting, Figures f)
      throws Exception {
    out.printf("streaming: %,d changes, %d per transaction...%n", changes, CHANGES_PER_TRANSACTION);
    long t0 = System.nanoTime();
    long startMillis = System.currentTimeMillis();
    try (Connection c = pg.connect("postgres"); ChangeWriter w = new ChangeWriter(c)) {
      for (int i = 0; i < changes; i += CHANGES_PER_TRANSACTION) {
        w.apply(workload, Math.min(CHANGES_PER_TRANSACTION, changes - i));
      }
    }
    f.streamingWriteSeconds = seconds(t0);
    insertMarker(STREAM_END_ID, "end of the streaming phase");
    Seen end = awaitVisible(STREAM_END_ID, capturing, ingesting);
    f.streamingQueryableSeconds = seconds(t0);
    f.streamingCommittedSeconds = (end.committedMillis() - startMillis) / 1e3;
    out.printf("streaming: %,d changes written in %.1f s, committed after %.1f s, read by Spark after %.1f s "
        + "(%,.0f changes/s)%n", changes, f.streamingWriteSeconds, f.streamingCommittedSeconds,
        f.streamingQueryableSeconds, changes / f.streamingCommittedSeconds);
  }

  private void latencyPhase(ChangeWorkload workload, Running capturing, Running ingesting, Figures f)
      throws Exception {
    if (markers == 0) {
      return;
    }
    out.printf("latency: %d markers, one every %,d ms, beside %,d changes/s...%n", markers, markerIntervalMs,
        backgroundRate);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong applied = new AtomicLong();
    AtomicReference<Throwable> backgroundFailure = new AtomicReference<>();
    Thread background = new Thread(() -> {
      if (backgroundRate == 0) {
        return;
      }
      // one transaction per CHANGES_PER_TRANSACTION changes, paced to backgroundRate changes/s
      Pacer pacer = new Pacer(Math.max(1, backgroundRate / CHANGES_PER_TRANSACTION), System::nanoTime);
      try (Connection c = pg.connect("postgres"); ChangeWriter w = new ChangeWriter(c)) {
        while (!stop.get() && pacer.acquire(stop::get)) {
          w.apply(workload, CHANGES_PER_TRANSACTION);
          applied.addAndGet(CHANGES_PER_TRANSACTION);
        }
      } catch (Throwable e) {
        backgroundFailure.set(e);
      }
    }, "cdc-bench-background");
    background.start();
    try {
      for (int k = 0; k < markers; k++) {
        int id = FIRST_MARKER_ID - k;
        long committedAt = insertMarker(id, "marker");
        Seen seen = awaitVisible(id, capturing, ingesting);
        f.latency.recordNanos(TimeUnit.MILLISECONDS.toNanos(seen.committedMillis() - committedAt));
        f.latencyRead.recordNanos(TimeUnit.MILLISECONDS.toNanos(seen.readMillis() - committedAt));
        if (backgroundFailure.get() != null) {
          throw new IllegalStateException("latency: the background changes failed", backgroundFailure.get());
        }
        Thread.sleep(markerIntervalMs);
      }
    } finally {
      stop.set(true);
      background.join(TimeUnit.MINUTES.toMillis(2));
    }
    f.backgroundChanges = applied.get();
    out.printf("latency: event-to-queryable p50 %.0f ms, p99 %.0f ms, max %.0f ms over %d markers "
        + "(to a Spark read that returned it: p50 %.0f ms; %,d background changes)%n", f.latency.percentileMs(50),
        f.latency.percentileMs(99), f.latency.maxMs(), f.latency.count(), f.latencyRead.percentileMs(50),
        f.backgroundChanges);
  }

  // ---------------------------------------------------------------- PostgreSQL

  /** Inserts marker row {@code id} whose note holds its commit time; returns that time (epoch ms). */
  private long insertMarker(int id, String what) throws SQLException {
    try (Connection c = pg.connect("postgres");
         PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, ?, 0, 0, ?)")) {
      long now = System.currentTimeMillis();
      s.setInt(1, id);
      s.setString(2, what);
      s.setString(3, what + " committed at " + now);
      s.executeUpdate(); // autocommit: committed when this returns
      return now;
    }
  }

  /** Applies a workload's changes to table {@value #TABLE}, a given number per transaction. */
  private static final class ChangeWriter implements AutoCloseable {
    private final Connection c;
    private final PreparedStatement insert;
    private final PreparedStatement update;
    private final PreparedStatement delete;

    ChangeWriter(Connection c) throws SQLException {
      this.c = c;
      c.setAutoCommit(false);
      insert = c.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, ?, ?, ?::numeric, ?)");
      update = c.prepareStatement("UPDATE " + TABLE + " SET qty = ?, price = ?::numeric, note = ? WHERE id = ?");
      delete = c.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ?");
    }

    void apply(ChangeWorkload workload, int n) throws SQLException {
      for (int i = 0; i < n; i++) {
        ChangeWorkload.Change ch;
        synchronized (workload) {
          ch = workload.next();
        }
        switch (ch.kind()) {
          case INSERT -> {
            insert.setInt(1, ch.id());
            insert.setString(2, "item-" + ch.id());
            insert.setInt(3, ch.qty());
            insert.setString(4, ch.price());
            insert.setString(5, ch.note());
            insert.executeUpdate();
          }
          case UPDATE -> {
            update.setInt(1, ch.qty());
            update.setString(2, ch.price());
            update.setString(3, ch.note());
            update.setInt(4, ch.id());
            update.executeUpdate();
          }
          case DELETE -> {
            delete.setInt(1, ch.id());
            delete.executeUpdate();
          }
        }
      }
      c.commit();
    }

    @Override
    public void close() throws SQLException {
      insert.close();
      update.close();
      delete.close();
      c.close();
    }
  }

  // ---------------------------------------------------------------- the pipelines

  private Path capturePipeline(String bootstrap, String registryUrl) throws Exception {
    Path file = dir.resolve("items-cdc.yaml");
    Files.writeString(file, """
        name: items-cdc
        source:
          type: postgres
          hostname: 127.0.0.1
          port: %d
          database: postgres
          user: postgres
          tables: [public.%s]
        sink:
          type: topic
          topic.prefix: %s
          bootstrap.servers: %s
        schema:
          registry.url: %s
        """.formatted(pg.port(), TABLE, TOPIC_PREFIX, bootstrap, registryUrl));
    return file;
  }

  private Path lakePipeline(String bootstrap, String registryUrl) throws Exception {
    Path file = dir.resolve("items-lake.yaml");
    Files.writeString(file, """
        name: items-lake
        source:
          type: topic
          topic: %s
          bootstrap.servers: %s
          start: earliest
        sink:
          type: hudi
          table.path: %s
          table.name: %s
          table.type: %s
          record.key: id
          precombine.field: __lsn
          delete.mode: hard
          commit.interval.ms: %d
          commit.records: %d
          metadata.enable: %s
        schema:
          registry.url: %s
        """.formatted(TOPIC, bootstrap, tablePath, TABLE, tableType, commitIntervalMs, batch, metadataTable,
        registryUrl));
    return file;
  }

  /** A pipeline task on a thread of its own, remembering how it failed. */
  private static final class Running {
    final PipelineTask task;
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final Thread thread;

    Running(PipelineTask task) {
      this.task = task;
      this.thread = new Thread(() -> {
        try {
          task.run();
        } catch (Throwable e) {
          failure.set(e);
        }
      }, "cdc-bench-" + task.name());
    }

    void start() {
      thread.start();
    }

    void stop() throws InterruptedException {
      task.stop();
      thread.join(TimeUnit.MINUTES.toMillis(2));
    }

    void check() {
      if (failure.get() != null) {
        throw new IllegalStateException("pipeline " + task.name() + " failed", failure.get());
      }
      if (!thread.isAlive()) {
        throw new IllegalStateException("pipeline " + task.name() + " stopped");
      }
    }
  }

  // ---------------------------------------------------------------- Spark, the reader

  private long countRows() {
    long t = System.nanoTime();
    try {
      return spark.read().format("hudi").load(tablePath).count();
    } catch (RuntimeException e) {
      return 0; // no commit yet: no table to read
    } finally {
      polls++;
      pollNanos += System.nanoTime() - t;
    }
  }

  /**
   * A marker row as Spark returned it: when that read ended, and when the Hudi commit that wrote the row
   * completed (the sink's commit callback, matched by the row's {@code _hoodie_commit_time}): from then on any
   * reader of the table sees it.
   */
  record Seen(long readMillis, long committedMillis) {}

  /** The instant that wrote row {@code id}, or null while no reader sees it. */
  private String commitTimeOf(int id) {
    long t = System.nanoTime();
    try {
      List<Row> r = spark.read().format("hudi").load(tablePath).where("id = " + id)
          .select("_hoodie_commit_time").collectAsList();
      return r.isEmpty() ? null : r.get(0).getString(0);
    } finally {
      polls++;
      pollNanos += System.nanoTime() - t;
    }
  }

  /** Polls Spark until row {@code id} is returned. */
  private Seen awaitVisible(int id, Running... pipelines) throws Exception {
    long deadline = System.currentTimeMillis() + PHASE_TIMEOUT_MS;
    while (true) {
      String instant = commitTimeOf(id);
      if (instant != null) {
        long readAt = System.currentTimeMillis();
        // Hudi's timeline shows the commit a moment before the sink's loop reports it
        await(() -> commitCompleted.containsKey(instant), "the sink's report of commit " + instant + " (row " + id
            + ")", pipelines);
        return new Seen(readAt, commitCompleted.get(instant));
      }
      for (Running r : pipelines) {
        r.check();
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("row " + id + " was not readable in the Hudi table within "
            + PHASE_TIMEOUT_MS + " ms");
      }
      Thread.sleep(POLL_PAUSE_MS);
    }
  }

  private static void await(BooleanSupplier done, String what, Running... pipelines) throws Exception {
    long deadline = System.currentTimeMillis() + PHASE_TIMEOUT_MS;
    while (!done.getAsBoolean()) {
      for (Running r : pipelines) {
        r.check();
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(what + ": not done within " + PHASE_TIMEOUT_MS + " ms");
      }
      Thread.sleep(POLL_PAUSE_MS);
    }
  }

  // ---------------------------------------------------------------- the check and the report

  /** Both sides' checksums. */
  record Check(TableChecksum postgres, TableChecksum hudi, List<String> onlyInPostgres, List<String> onlyInHudi) {
    boolean equal() {
      return postgres.equals(hudi);
    }
  }

  /** {@code SELECT * FROM items} against the Hudi table read by Spark, both in id order. */
  private Check compare() throws SQLException {
    List<String> expected = new ArrayList<>();
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT id, name, qty, price::text, note FROM " + TABLE + " ORDER BY id")) {
      while (rs.next()) {
        expected.add(TableChecksum.row(rs.getInt(1), rs.getString(2), rs.getObject(3), rs.getString(4),
            rs.getString(5)));
      }
    }
    List<String> actual = new ArrayList<>();
    for (Row r : spark.read().format("hudi").load(tablePath).selectExpr("id", "name", "qty", "price", "note")
        .orderBy("id").collectAsList()) {
      actual.add(TableChecksum.row(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)));
    }
    return new Check(TableChecksum.of(expected), TableChecksum.of(actual),
        TableChecksum.onlyIn(expected, actual, 10), TableChecksum.onlyIn(actual, expected, 10));
  }

  private void report(Figures f) {
    out.println();
    out.printf("cdc-hudi results (%s, %,d rows snapshot, %,d changes, commit every %,d ms):%n", tableType, rows,
        changes, commitIntervalMs);
    out.printf("  %-42s %12s %10s %12s%n", "phase", "rows", "seconds", "rows/s");
    out.printf("  %-42s %,12d %10.1f %,12.0f%n", "snapshot, committed (queryable)", rows,
        f.snapshotCommittedSeconds, rows / f.snapshotCommittedSeconds);
    out.printf("  %-42s %,12d %10.1f %,12.0f%n", "snapshot, read by Spark", rows,
        f.snapshotQueryableSeconds, rows / f.snapshotQueryableSeconds);
    out.printf("  %-42s %,12d %10.1f %,12.0f%n", "streaming changes, committed (queryable)", changes,
        f.streamingCommittedSeconds, changes / f.streamingCommittedSeconds);
    out.printf("  %-42s %,12d %10.1f %,12.0f%n", "streaming changes, read by Spark", changes,
        f.streamingQueryableSeconds, changes / f.streamingQueryableSeconds);
    out.printf("  %-42s %,12d %10.1f %,12.0f%n", "  (PostgreSQL took them at)", changes, f.streamingWriteSeconds,
        changes / f.streamingWriteSeconds);
    if (f.latency.count() > 0) {
      out.printf("  event-to-queryable (PostgreSQL commit -> Hudi commit): p50 %.0f ms, p99 %.0f ms, max %.0f ms "
          + "over %d markers, beside %,d changes/s%n", f.latency.percentileMs(50), f.latency.percentileMs(99),
          f.latency.maxMs(), f.latency.count(), backgroundRate);
      out.printf("  event-to-read (PostgreSQL commit -> a Spark read returned it): p50 %.0f ms, p99 %.0f ms%n",
          f.latencyRead.percentileMs(50), f.latencyRead.percentileMs(99));
    }
    out.printf("  Spark reads polling: %,d, mean %.0f ms each%n", polls,
        polls == 0 ? 0.0 : pollNanos / 1e6 / polls);
    out.printf("  check: PostgreSQL %s; Hudi via Spark %s: %s%n", f.check.postgres(), f.check.hudi(),
        f.check.equal() ? "equal" : "DIFFERENT");
    if (!f.check.equal()) {
      out.println("  rows only in PostgreSQL (first 10): " + f.check.onlyInPostgres());
      out.println("  rows only in Hudi (first 10): " + f.check.onlyInHudi());
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
