package io.tributary.cli;

import io.tributary.connect.Pipeline;
import io.tributary.connect.PipelineException;
import io.tributary.connect.PipelineLoader;
import io.tributary.connect.runtime.PipelineMetrics;
import io.tributary.connect.runtime.PipelineTask;
import io.tributary.connect.runtime.PipelineTasks;
import io.tributary.console.ConsoleConfig;
import io.tributary.log.broker.Broker;
import io.tributary.log.broker.BrokerConfig;
import io.tributary.log.embedded.EmbeddedZooKeeper;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.spark.jobs.JobTotals;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The quickstart's run: starts every part in this process, in order, printing what it does; then waits until
 * the generated events are committed to the lake and aggregated, queries the lake and prints the answer.
 * {@link #close()} stops everything (idempotent; also called by the Ctrl-C hook).
 *
 * <p>Layout of the working directory (emptied first, kept afterwards for {@code tributary sql} and the
 * notebooks): {@code zookeeper/}, {@code broker-N/}, {@code pipelines/*.yaml} (the two pipelines, runnable
 * with {@code connect run}), {@code lake/<table>/} (Hudi tables, unless {@code --hdfs}), {@code catalog/}
 * (table definitions for {@code tributary sql --catalog}), {@code spark/} (checkpoints).
 */
final class Quickstart implements AutoCloseable {
  static final String TOPIC = "events";
  static final String DEAD_LETTER_TOPIC = "events-dlq";
  static final String TABLE = "events";
  static final int BROKERS = 3;
  static final int PARTITIONS = 3;
  static final int STEPS = 9;
  static final long PROGRESS_INTERVAL_MS = 2000;
  /** How long the lake may lag behind the generator's last event before the quickstart gives up. */
  static final long CATCH_UP_TIMEOUT_MS = 180_000;

  record Settings(Path dir, long events, long keys, long rate, boolean hdfs, boolean keepRunning) {}

  private final Settings settings;
  private final PrintWriter out;
  private final Resources resources = new Resources();
  private final long startNanos = System.nanoTime();
  /** Each broker's /metrics URL by broker id (with --keep-running), for the console's throughput. */
  private final Map<Integer, String> brokerMetrics = new TreeMap<>();
  private int step;

  Quickstart(Settings settings, PrintWriter out) {
    this.settings = settings;
    this.out = out;
  }

  void run() throws Exception {
    Path work = settings.dir();
    QuickstartFiles.emptyDirectory(work);

    step("starting ZooKeeper");
    EmbeddedZooKeeper zk = resources.add(ZooKeeperCommand.startServer("127.0.0.1", port(2181), work.resolve("zookeeper")));
    detail("ZooKeeper on " + zk.connectString());

    step("starting " + BROKERS + " brokers");
    String bootstrap = startBrokers(zk.connectString(), work);
    detail("Kafka protocol on " + bootstrap);

    step("starting the schema registry");
    RegistryServer registry = resources.add(new RegistryServer(new RegistryConfig(Map.of(
        RegistryConfig.LISTENERS, "http://127.0.0.1:" + port(8081),
        RegistryConfig.BOOTSTRAP, bootstrap,
        RegistryConfig.TOPIC_RF, Integer.toString(BROKERS),
        RegistryConfig.ZK_CONNECT, zk.connectString()))));
    registry.start();
    detail("Confluent REST API on " + registry.url());

    createTopics(bootstrap);

    String lakeUri = Files.createDirectories(work.resolve("lake")).toUri().toString();
    if (settings.hdfs()) {
      step("starting HDFS (a NameNode and a DataNode in this process)");
      EmbeddedHdfs hdfs = resources.add(EmbeddedHdfs.start(work.resolve("hdfs")));
      lakeUri = hdfs.uri() + "/lake/";
      detail("HDFS on " + hdfs.uri() + " (its data is gone when the quickstart stops)");
    }
    step("starting the pipelines: generator -> topic " + TOPIC + " -> Hudi table " + TABLE);
    Path pipelines = Files.createDirectories(work.resolve("pipelines"));
    Pipeline generator = load(QuickstartFiles.writeGeneratorPipeline(pipelines, settings, bootstrap, registry.url()));
    Pipeline connector = load(QuickstartFiles.writeLakePipeline(pipelines, bootstrap, registry.url(), lakeUri));
    Running gen = start(PipelineTasks.create(generator, Map.of()));
    Running sink = start(PipelineTasks.create(connector, Map.of()));
    detail(generator.file() + ": " + settings.events() + " events over " + settings.keys() + " keys"
        + (settings.rate() > 0 ? " at " + settings.rate() + "/s" : ""));
    detail(connector.file() + ": upserts into " + lakeUri + TABLE);

    step("starting Spark (local[2]) while events flow");
    QuickstartSpark spark = resources.add(QuickstartSpark.start(work));
    Path aggregateJob = QuickstartSpark.writeAggregateJob(work.resolve("jobs"), bootstrap, registry.url(), lakeUri);
    awaitGenerated(gen, sink);

    step("running the Spark aggregate job over the topic (" + work.relativize(aggregateJob) + ")");
    JobTotals windows = spark.aggregate(aggregateJob, out);

    step("waiting until every event is committed to the lake");
    awaitCaughtUp(gen, sink);
    if (!settings.keepRunning()) {
      sink.stopAndJoin();
    }
    QuickstartFiles.writeCatalog(work.resolve("catalog"), lakeUri + TABLE, lakeUri + QuickstartSpark.WINDOW_TABLE);

    step("querying the lake with Spark SQL");
    spark.register(TABLE, lakeUri + TABLE);
    spark.register(QuickstartSpark.WINDOW_TABLE, lakeUri + QuickstartSpark.WINDOW_TABLE);
    detail(QuickstartSpark.QUERY);
    List<List<String>> result = spark.query(QuickstartSpark.QUERY);
    Table table = new Table(result.get(0).toArray(String[]::new));
    result.subList(1, result.size()).forEach(r -> table.row(r.toArray()));
    table.print(out, "                ");
    long rows = Long.parseLong(spark.query("SELECT COUNT(*) FROM " + TABLE).get(1).get(0));
    long windowRows = Long.parseLong(spark.query("SELECT COUNT(*) FROM " + QuickstartSpark.WINDOW_TABLE).get(1).get(0));
    PipelineMetrics lake = sink.task.metrics();
    summary(work, lakeUri, gen.task.metrics(), lake, rows, windows, windowRows);
    if (settings.keepRunning()) {
      keepRunning(bootstrap, registry.url(), zk.connectString());
      return;
    }

    step("stopping everything");
    resources.close();
    out.printf("%nquickstart finished in %.1f s%n", (System.nanoTime() - startNanos) / 1e9);
    out.flush();
  }

  private void summary(Path work, String lakeUri, PipelineMetrics gen, PipelineMetrics lake, long rows,
      JobTotals windows, long windowRows) {
    out.println();
    out.printf("summary: %,d events produced for %,d keys; %,d upserted into %s%s (%,d rows, one per key)%s;%n",
        gen.recordsOut(), settings.keys(), lake.recordsOut(), lakeUri, TABLE, rows,
        lake.deadLettered() > 0 ? ", " + lake.deadLettered() + " dead-lettered" : "");
    out.printf("         %,d events counted by the aggregate job into %,d window rows of %s%s (%,d quarantined)%n",
        windows.written(), windowRows, lakeUri, QuickstartSpark.WINDOW_TABLE, windows.quarantinedTotal());
    if (rows != settings.keys() && gen.recordsOut() >= settings.keys()) {
      throw new CliException("the lake table holds " + rows + " rows, expected one per key (" + settings.keys() + ")");
    }
    String dir = displayPath(work);
    out.println();
    out.println("explore further:");
    out.println("  ./tributary sql --catalog " + dir + "/catalog \"SELECT key, seq, status, amount FROM events"
        + " ORDER BY seq DESC LIMIT 5\"");
    out.println("  ./tributary sql --catalog " + dir + "/catalog \"SELECT * FROM " + QuickstartSpark.WINDOW_TABLE
        + " ORDER BY window_start LIMIT 5\"");
    out.println("  ./tributary quickstart --keep-running # the same, left running on 127.0.0.1:9092 and :8081; then:");
    out.println("  notebooks/run.sh                      # the notebooks over its lake and topic (docs/notebooks.md)");
    out.println("  pipelines and jobs it ran: " + dir + "/pipelines, " + dir + "/jobs");
    out.flush();
  }

  /** The working directory as the user would type it: relative to the current directory when inside it. */
  private static String displayPath(Path work) {
    Path cwd = Path.of("").toAbsolutePath();
    return work.startsWith(cwd) ? cwd.relativize(work).toString() : work.toString();
  }

  private void keepRunning(String bootstrap, String registryUrl, String zkConnect) throws InterruptedException {
    out.println();
    out.println("still running (Ctrl-C stops everything): brokers " + bootstrap + ", registry " + registryUrl
        + ", ZooKeeper " + zkConnect + "; the connector keeps upserting what is produced to " + TOPIC);
    out.println(QuickstartConsole.start(resources, new ConsoleConfig(ConsoleConfig.DEFAULT_HOST,
        ConsoleConfig.DEFAULT_PORT, bootstrap, registryUrl, zkConnect, "default", settings.dir().resolve("catalog"),
        Map.of(), brokerMetrics)));
    out.flush();
    while (!resources.closed()) {
      Thread.sleep(500);
    }
  }

  /** The usual port with --keep-running (so that clients and notebooks find it), else any free one. */
  private int port(int usual) {
    return settings.keepRunning() ? usual : 0;
  }

  private String startBrokers(String zkConnect, Path work) {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < BROKERS; i++) {
      Map<String, String> cfg = new LinkedHashMap<>();
      cfg.put("broker.id", Integer.toString(i));
      cfg.put("listeners", "PLAINTEXT://127.0.0.1:" + port(9092 + i));
      cfg.put("log.dirs", work.resolve("broker-" + i).toString());
      cfg.put("zookeeper.connect", zkConnect);
      cfg.put("offsets.topic.replication.factor", Integer.toString(BROKERS));
      cfg.put("transaction.state.log.replication.factor", Integer.toString(BROKERS));
      cfg.put("default.replication.factor", Integer.toString(BROKERS));
      if (settings.keepRunning()) {
        cfg.put("metrics.port", "0"); // the console's throughput reads each broker's /metrics
      }
      Broker broker = resources.add(new Broker(BrokerConfig.of(cfg)));
      try {
        broker.start();
      } catch (Exception e) {
        throw new CliException("broker " + i + " failed to start: " + Errors.message(e), e);
      }
      addresses.add("127.0.0.1:" + broker.boundPort());
      if (broker.metricsPort() > 0) {
        brokerMetrics.put(i, "http://127.0.0.1:" + broker.metricsPort() + "/metrics");
      }
    }
    return String.join(",", addresses);
  }

  private void createTopics(String bootstrap) {
    try (Admin admin = Kafka.connectedAdmin(bootstrap, 15_000)) {
      awaitBrokers(admin, bootstrap);
      Map<String, String> configs = Map.of("min.insync.replicas", "2");
      List<NewTopic> topics = List.of(
          new NewTopic(TOPIC, Optional.of(PARTITIONS), Optional.of((short) BROKERS)).configs(configs),
          new NewTopic(DEAD_LETTER_TOPIC, Optional.of(1), Optional.of((short) BROKERS)).configs(configs));
      Kafka.get(admin.createTopics(topics).all(), bootstrap, 15_000, "create topics " + TOPIC + ", " + DEAD_LETTER_TOPIC);
      detail("topics " + TOPIC + " (" + PARTITIONS + " partitions) and " + DEAD_LETTER_TOPIC
          + ", replication factor " + BROKERS + ", min.insync.replicas 2");
    }
  }

  /** Brokers register in ZooKeeper asynchronously: RF 3 needs all three in every broker's metadata. */
  private static void awaitBrokers(Admin admin, String bootstrap) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (Kafka.describeCluster(admin, bootstrap, 15_000).size() < BROKERS) {
      if (System.nanoTime() > deadline) {
        throw new CliException("the " + BROKERS + " brokers did not all register within 30 s");
      }
      sleep(100);
    }
  }

  private static Pipeline load(Path file) {
    try {
      return PipelineLoader.load(file);
    } catch (PipelineException e) {
      throw new CliException("the quickstart wrote an invalid pipeline (a bug): " + e.getMessage(), e);
    }
  }

  /** A task running on its own thread. */
  private final class Running implements AutoCloseable {
    final PipelineTask task;
    final Thread thread;
    final AtomicReference<Exception> failure = new AtomicReference<>();

    Running(PipelineTask task) {
      this.task = task;
      this.thread = new Thread(() -> {
        try {
          task.run();
        } catch (Exception e) {
          failure.set(e);
        }
      }, "pipeline-" + task.name());
    }

    void checkHealthy() {
      Exception e = failure.get();
      if (e != null) {
        throw new CliException("pipeline " + task.name() + " failed: " + Errors.message(e), e);
      }
    }

    void stopAndJoin() throws InterruptedException {
      task.stop();
      thread.join(60_000);
      checkHealthy();
    }

    @Override
    public void close() throws InterruptedException {
      task.stop();
      thread.join(30_000);
    }
  }

  private Running start(PipelineTask task) {
    Running r = resources.add(new Running(task));
    r.thread.start();
    return r;
  }

  /** Prints progress until the generator has produced (and the brokers acknowledged) every event. */
  private void awaitGenerated(Running gen, Running sink) throws InterruptedException {
    while (gen.thread.isAlive()) {
      gen.checkHealthy();
      sink.checkHealthy();
      progress(gen, sink);
      gen.thread.join(PROGRESS_INTERVAL_MS);
    }
    gen.checkHealthy();
  }

  private void progress(Running gen, Running sink) {
    PipelineMetrics g = gen.task.metrics();
    PipelineMetrics s = sink.task.metrics();
    detail(String.format("produced %,d · committed to the lake (queryable) %,d%s%s", g.recordsOut(), s.recordsOut(),
        s.deadLettered() > 0 ? " · dead-lettered " + s.deadLettered() : "",
        s.lag().isPresent() ? " · connector lag " + s.lag().getAsLong() : ""));
  }

  /** Prints progress until the generator is done and the lake has committed every event it produced. */
  private void awaitCaughtUp(Running gen, Running sink) throws InterruptedException {
    long deadline = Long.MAX_VALUE;
    while (true) {
      gen.checkHealthy();
      sink.checkHealthy();
      PipelineMetrics g = gen.task.metrics();
      PipelineMetrics s = sink.task.metrics();
      boolean generated = !gen.thread.isAlive();
      long accounted = s.recordsOut() + s.deadLettered() + s.droppedByFilter();
      progress(gen, sink);
      if (generated && accounted >= g.recordsOut()) {
        return;
      }
      if (generated && deadline == Long.MAX_VALUE) {
        deadline = System.nanoTime() + CATCH_UP_TIMEOUT_MS * 1_000_000L;
      }
      if (System.nanoTime() > deadline) {
        throw new CliException("the lake holds " + s.recordsOut() + " of " + g.recordsOut() + " events "
            + Kafka.seconds(CATCH_UP_TIMEOUT_MS) + " after the generator finished");
      }
      Thread.sleep(PROGRESS_INTERVAL_MS);
    }
  }

  private void step(String what) {
    out.printf("[%d/%d] %5.1f s  %s%n", ++step, STEPS + (settings.hdfs() ? 1 : 0),
        (System.nanoTime() - startNanos) / 1e9, what);
    out.flush();
  }

  private void detail(String what) {
    out.println("                " + what);
    out.flush();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  @Override
  public void close() {
    resources.close();
  }
}
