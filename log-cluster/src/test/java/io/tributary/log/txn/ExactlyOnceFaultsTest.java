package io.tributary.log.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.ChildProcess;
import io.tributary.testkit.JvmProcessBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, done-when 2 (long form): consume-transform-produce with {@code sendOffsetsToTransaction} as its own
 * JVM ({@link ConsumeTransformProduceApp}) against three broker JVMs (RF 3, min.insync.replicas 2), while input
 * keeps arriving, through SIGKILL of the application (restarted at once), of the leader of an output
 * partition and of the broker hosting the application's transaction coordinator (each restarted once the
 * application has made progress without it). Then: the output read with read_committed is exactly the input
 * transformed, each record once — 0 lost, 0 duplicated.
 *
 * <p>Plain {@code mvn verify} kills once of each kind ({@value #KILLS_PROPERTY}=3, in that order); {@code -Pfaults}
 * adds randomly chosen kills, from a seed printed at the start ({@value #SEED_PROPERTY} replays one):
 * {@code mvn -B -o -pl log-cluster -am verify -Pfaults -Dtest=ExactlyOnceFaultsTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}.
 */
class ExactlyOnceFaultsTest {
  static final String KILLS_PROPERTY = "eos.faults.kills";
  static final String SEED_PROPERTY = "eos.faults.seed";
  static final String INPUT = "eos-in";
  static final String OUTPUT = "eos-out";
  static final String GROUP = "eos-app";
  static final String TRANSACTIONAL_ID = "eos-app-0";
  static final int PARTITIONS = 3;
  static final int BROKERS = TransactionalBrokers.COUNT;
  /** Committed output records the application must add after each fault before the next one. */
  static final int PROGRESS_PER_FAULT = 200;
  /** Pause of the application after each transaction (its "work"), so that the run outlasts the faults. */
  static final long APP_PAUSE_MS = 20;
  /** Pause of the input feeder between records: input keeps arriving during every fault. */
  static final long FEED_PAUSE_MS = 5;
  static final Duration WAIT = Duration.ofSeconds(300);

  /** What a fault kills. */
  enum Fault { APPLICATION, OUTPUT_LEADER, COORDINATOR }

  /** One kill of each kind in a fixed order, then {@code kills - 3} kinds drawn from {@code seed}. */
  static List<Fault> schedule(int kills, long seed) {
    List<Fault> out = new ArrayList<>();
    Random random = new Random(seed);
    for (int i = 0; i < kills; i++) {
      out.add(i < Fault.values().length ? Fault.values()[i] : Fault.values()[random.nextInt(Fault.values().length)]);
    }
    return out;
  }

  @Test
  void outputIsExactlyOnceThroughKillsOfTheApplicationTheLeaderAndTheCoordinator(@TempDir Path dir) throws Exception {
    int kills = Integer.getInteger(KILLS_PROPERTY, 3);
    long seed = Long.getLong(SEED_PROPERTY, System.nanoTime());
    List<Fault> faults = schedule(kills, seed);
    System.out.println("ExactlyOnceFaultsTest: " + KILLS_PROPERTY + "=" + kills + " " + SEED_PROPERTY + "=" + seed + " faults=" + faults);
    try (TestingServer zk = new TestingServer(true)) {
      List<BrokerProcess> brokers = new ArrayList<>();
      ChildProcess app = null;
      AtomicBoolean feeding = new AtomicBoolean(true);
      Thread feeder = null;
      try {
        String bootstrap = TransactionalBrokers.start(zk.getConnectString(), dir, brokers, Duration.ofSeconds(60));
        try (Admin admin = admin(bootstrap); OutputReader output = new OutputReader(bootstrap)) {
          admin.createTopics(List.of(new NewTopic(INPUT, PARTITIONS, (short) 3), new NewTopic(OUTPUT, PARTITIONS, (short) 3)))
              .all().get(60, TimeUnit.SECONDS);
          feeder = feed(bootstrap, feeding);
          app = startApp(bootstrap, dir, 0);
          output.awaitAtLeast(PROGRESS_PER_FAULT);

          int appStarts = 1;
          for (Fault fault : faults) {
            long before = output.count();
            System.out.println("ExactlyOnceFaultsTest: kill -9 " + fault + " at " + before + " committed output records");
            switch (fault) {
              case APPLICATION -> {
                app.kill9();
                app = startApp(bootstrap, dir, appStarts++);
                output.awaitAtLeast(before + PROGRESS_PER_FAULT);
              }
              case OUTPUT_LEADER -> killAndRestart(brokers, leaderOf(admin, new TopicPartition(OUTPUT, 0)), output, before);
              case COORDINATOR -> killAndRestart(brokers,
                  admin.describeTransactions(List.of(TRANSACTIONAL_ID)).description(TRANSACTIONAL_ID).get().coordinatorId(),
                  output, before);
            }
            awaitFullIsr(admin); // the next kill leaves min.insync.replicas
          }

          feeding.set(false);
          feeder.join(WAIT.toMillis());
          List<String> input = readAll(bootstrap, INPUT, "read_uncommitted");
          output.awaitAtLeast(input.size());
          List<String> out = output.valuesAfterDraining();

          Map<String, Integer> seen = new TreeMap<>();
          out.forEach(v -> seen.merge(v, 1, Integer::sum));
          List<String> duplicated = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
          List<String> lost = input.stream().map(v -> v + ConsumeTransformProduceApp.SUFFIX).filter(v -> !seen.containsKey(v)).toList();
          System.out.println("ExactlyOnceFaultsTest: input " + input.size() + ", output " + out.size() + ", lost " + lost.size()
              + ", duplicated " + duplicated.size() + ", seed " + seed);
          assertEquals(List.of(), lost, "lost (seed " + seed + ")");
          assertEquals(List.of(), duplicated, "duplicated (seed " + seed + ")");
          assertEquals(input.size(), out.size(), "seed " + seed);
        }
      } finally {
        feeding.set(false);
        if (app != null) {
          app.close();
        }
        for (BrokerProcess b : brokers) {
          b.close();
        }
      }
    }
  }

  private static void killAndRestart(List<BrokerProcess> brokers, int id, OutputReader output, long before) throws Exception {
    System.out.println("ExactlyOnceFaultsTest: broker " + id);
    brokers.get(id).kill9();
    output.awaitAtLeast(before + PROGRESS_PER_FAULT); // the application goes on without it
    brokers.get(id).start().awaitReady(TransactionalBrokers.START);
  }

  private static ChildProcess startApp(String bootstrap, Path dir, int start) throws Exception {
    return JvmProcessBuilder.main(ConsumeTransformProduceApp.class.getName()).jvmArgs("-Xmx256m")
        .args(bootstrap, INPUT, OUTPUT, GROUP, TRANSACTIONAL_ID, Long.toString(APP_PAUSE_MS))
        .logFile(dir.resolve("app-" + start + ".log")).start();
  }

  /** Writes "0", "1", ... (keys the same) until told to stop; idempotent, so a broker kill duplicates nothing. */
  private static Thread feed(String bootstrap, AtomicBoolean feeding) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    Thread t = new Thread(() -> {
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        for (long i = 0; feeding.get(); i++) {
          producer.send(new ProducerRecord<>(INPUT, Long.toString(i), Long.toString(i)));
          Thread.sleep(FEED_PAUSE_MS);
        }
        producer.flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "eos-feeder");
    t.start();
    return t;
  }

  private static int leaderOf(Admin admin, TopicPartition tp) throws Exception {
    return admin.describeTopics(List.of(tp.topic())).allTopicNames().get().get(tp.topic()).partitions()
        .get(tp.partition()).leader().id();
  }

  /** Until every partition of the topics in use has all replicas in sync. */
  private static void awaitFullIsr(Admin admin) throws Exception {
    List<String> topics = List.of(INPUT, OUTPUT, "__consumer_offsets", "__transaction_state");
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Collection<TopicDescription> described = admin.describeTopics(topics).allTopicNames().get().values();
      boolean full = described.stream().flatMap(d -> d.partitions().stream()).allMatch(p -> p.isr().size() == BROKERS);
      if (full) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "ISRs not full again: " + described);
      Thread.sleep(200);
    }
  }

  private static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return Admin.create(p);
  }

  private static Properties consumerProps(String bootstrap, String isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }

  private static List<TopicPartition> partitions(String topic) {
    List<TopicPartition> tps = new ArrayList<>();
    for (int i = 0; i < PARTITIONS; i++) {
      tps.add(new TopicPartition(topic, i));
    }
    return tps;
  }

  /** Every value of {@code topic} up to its end offsets now. */
  private static List<String> readAll(String bootstrap, String topic, String isolation) {
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap, isolation))) {
      List<TopicPartition> tps = partitions(topic);
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        assertTrue(System.nanoTime() < deadline, "could not read " + topic + " to " + end);
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }

  /** The output as a read_committed consumer sees it, read on as the test goes. */
  static final class OutputReader implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final List<String> values = new ArrayList<>();

    OutputReader(String bootstrap) {
      consumer = new KafkaConsumer<>(consumerProps(bootstrap, "read_committed"));
      List<TopicPartition> tps = partitions(OUTPUT);
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
    }

    long count() {
      poll(Duration.ofMillis(100));
      return values.size();
    }

    void awaitAtLeast(long n) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (values.size() < n) {
        assertTrue(System.nanoTime() < deadline, "only " + values.size() + " of " + n + " output records committed");
        poll(Duration.ofMillis(500));
      }
    }

    /** Everything committed, read on until a poll brings nothing more (a duplicate would show here). */
    List<String> valuesAfterDraining() {
      while (poll(Duration.ofSeconds(3)) > 0) {
        // read on
      }
      return List.copyOf(values);
    }

    private int poll(Duration timeout) {
      int n = 0;
      for (ConsumerRecord<String, String> r : consumer.poll(timeout)) {
        values.add(r.value());
        n++;
      }
      return n;
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
