package io.tributary.log.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.ChildProcess;
import io.tributary.testkit.JvmProcessBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, done-when 3: a real Kafka Streams word count (kafka-streams from Maven Central) with
 * {@code processing.guarantee=exactly_once_v2}, a repartition (groupBy word) and a state store (count),
 * against three brokers in their own JVMs; one broker is killed with SIGKILL mid-run, and (second test) the
 * application, run in its own JVM ({@link WordCountApp}), is killed with SIGKILL mid-run and started again on
 * the same state directory. With the record cache
 * off every input word yields one count update, so exactly once means: read with read_committed, the
 * updates of each word are exactly 1, 2, ..., n — no count lost, none repeated — and n is the word's count
 * in the input.
 */
class KafkaStreamsExactlyOnceTest {
  static final String INPUT = "lines";
  static final String OUTPUT = "word-counts";
  static final int PARTITIONS = 3;
  static final int LINES = 3_000;
  static final int WORDS = 20;
  static final Duration WAIT = Duration.ofSeconds(300);
  /** The application JVM's work per input line, so that its kill lands mid-run. */
  static final long APP_PAUSE_MS_PER_LINE = 3;

  @Test
  void wordCountIsExactThroughABrokerKill(@TempDir Path dir) throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      List<BrokerProcess> brokers = new ArrayList<>();
      try {
        String bootstrap = TransactionalBrokers.start(zk.getConnectString(), dir, brokers, Duration.ofSeconds(30));
        Map<String, Long> expected = produceInput(bootstrap);

        try (KafkaStreams streams = new KafkaStreams(wordCount(), streamsProps(bootstrap, dir.resolve("streams")))) {
          streams.setUncaughtExceptionHandler(e -> StreamThreadExceptionResponse.REPLACE_THREAD);
          streams.start();
          awaitCommittedOutput(bootstrap, LINES / 2);
          brokers.get(2).kill9();
          Map<String, List<Long>> updates = awaitCommittedOutput(bootstrap, 2L * LINES);
          streams.close(Duration.ofSeconds(30));
          assertExact(expected, updates);
        }
      } finally {
        for (BrokerProcess b : brokers) {
          b.close();
        }
      }
    }
  }

  /**
   * Done-when 3's application kill: the word count runs in its own JVM ({@link WordCountApp}), is killed with
   * SIGKILL mid-run and started again on the same state directory; the counts are still exact.
   */
  @Test
  void wordCountIsExactThroughAnApplicationKillAndRestart(@TempDir Path dir) throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      List<BrokerProcess> brokers = new ArrayList<>();
      ChildProcess app = null;
      try {
        String bootstrap = TransactionalBrokers.start(zk.getConnectString(), dir, brokers, Duration.ofSeconds(30));
        Map<String, Long> expected = produceInput(bootstrap);
        app = startApp(bootstrap, dir, 0);
        awaitCommittedOutput(bootstrap, LINES / 4);
        app.kill9();
        app = startApp(bootstrap, dir, 1);
        Map<String, List<Long>> updates = awaitCommittedOutput(bootstrap, 2L * LINES);
        assertExact(expected, updates);
      } finally {
        if (app != null) {
          app.close();
        }
        for (BrokerProcess b : brokers) {
          b.close();
        }
      }
    }
  }

  private static ChildProcess startApp(String bootstrap, Path dir, int start) throws Exception {
    return JvmProcessBuilder.main(WordCountApp.class.getName()).jvmArgs("-Xmx384m")
        .args(bootstrap, dir.resolve("streams-app").toString(), Long.toString(APP_PAUSE_MS_PER_LINE))
        .logFile(dir.resolve("word-count-" + start + ".log")).start();
  }

  /** The updates of each word are exactly 1, 2, ..., n, n its count in the input. */
  private static void assertExact(Map<String, Long> expected, Map<String, List<Long>> updates) {
    assertEquals(expected.keySet(), updates.keySet());
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      List<Long> oneToN = new ArrayList<>();
      for (long i = 1; i <= e.getValue(); i++) {
        oneToN.add(i);
      }
      assertEquals(oneToN, updates.get(e.getKey()), "the count updates of '" + e.getKey() + "'");
    }
  }

  static Topology wordCount() {
    return wordCount(0);
  }

  /** @param pauseMsPerLine the "work" per input line, so that a kill lands mid-run */
  static Topology wordCount(long pauseMsPerLine) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
        .peek((key, line) -> pause(pauseMsPerLine))
        .flatMapValues(line -> Arrays.asList(line.split(" ")))
        .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
        .count(Materialized.as("counts"))
        .toStream()
        .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));
    return builder.build();
  }

  private static void pause(long ms) {
    if (ms > 0) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static Properties streamsProps(String bootstrap, Path stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "word-count-eos");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every update is forwarded: exact sequences
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    return p;
  }

  /** Writes the input lines; returns how often each word occurs. */
  static Map<String, Long> produceInput(String bootstrap) throws Exception {
    Properties a = new Properties();
    a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(a)) {
      admin.createTopics(List.of(new NewTopic(INPUT, PARTITIONS, (short) 3), new NewTopic(OUTPUT, PARTITIONS, (short) 3)))
          .all().get(30, TimeUnit.SECONDS);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    Map<String, Long> counts = new TreeMap<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < LINES; i++) {
        String line = "w" + (i % WORDS) + " w" + ((i * 7 + 3) % WORDS);
        for (String w : line.split(" ")) {
          counts.merge(w, 1L, Long::sum);
        }
        producer.send(new ProducerRecord<>(INPUT, Integer.toString(i), line));
      }
      producer.flush();
    }
    return counts;
  }

  /** Reads the output with read_committed until it holds {@code atLeast} updates; returns them per word in order. */
  static Map<String, List<Long>> awaitCommittedOutput(String bootstrap, long atLeast) throws InterruptedException {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
    try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < PARTITIONS; i++) {
        tps.add(new TopicPartition(OUTPUT, i));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<String, List<Long>> updates = new TreeMap<>();
      long read = 0;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (read < atLeast) {
        assertTrue(System.nanoTime() < deadline, "only " + read + " of " + atLeast + " count updates committed");
        for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(500))) {
          updates.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
          read++;
        }
      }
      // Anything beyond the expected total would be a duplicate: read what is committed now as well.
      for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofSeconds(2))) {
        updates.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
      }
      return updates;
    }
  }
}
