package io.tributary.log.group;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A group member in its own JVM, for tests that {@code kill -9} it: subscribes, and for every poll writes
 * each record as {@code R <partition> <offset> <value>} to its output file, flushes, then commits
 * synchronously and writes {@code C <partition> <offset>} per committed partition. Assignments are written
 * as {@code A <partitions>}. SIGTERM closes it cleanly (LeaveGroup).
 *
 * <p>Args: bootstrap group topic outputFile sessionTimeoutMs [assignor-class]
 */
public final class GroupConsumerMain {
  static final long PROCESSING_MS = 50;

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String group = args[1];
    String topic = args[2];
    Path out = Path.of(args[3]);
    String sessionTimeoutMs = args[4];
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs);
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.toString(Integer.parseInt(sessionTimeoutMs) / 6));
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
    if (args.length > 5) {
      p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, args[5]);
    }
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      consumer.wakeup();
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND)) {
      line(w, "I " + clientVersion());
      consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          line(w, "V " + partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          line(w, "A " + consumer.assignment());
        }
      });
      while (true) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
          continue;
        }
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          w.write("R " + r.partition() + " " + r.offset() + " " + new String(r.value(), StandardCharsets.UTF_8) + "\n");
          next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        w.flush();
        // "Processing" between reading and committing: a kill -9 landing here leaves read-but-uncommitted
        // records that the next owner reads again (the duplicates Kafka allows, which the tests count).
        Thread.sleep(PROCESSING_MS);
        try {
          consumer.commitSync(next);
          for (Map.Entry<TopicPartition, OffsetAndMetadata> e : next.entrySet()) {
            w.write("C " + e.getKey().partition() + " " + e.getValue().offset() + "\n");
          }
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          w.write("F " + e + "\n");
        }
        w.flush();
      }
    } catch (WakeupException | InterruptedException e) {
      // SIGTERM
    } finally {
      consumer.close();
      closed.countDown();
    }
  }

  /** The kafka-clients version on the classpath (public resource, present in 3.x and 4.x). */
  static String clientVersion() throws IOException {
    Properties props = new Properties();
    try (var in = KafkaConsumer.class.getClassLoader().getResourceAsStream("kafka/kafka-version.properties")) {
      if (in != null) {
        props.load(in);
      }
    }
    return props.getProperty("version", "unknown");
  }

  private static void line(BufferedWriter w, String s) {
    try {
      w.write(s + "\n");
      w.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
