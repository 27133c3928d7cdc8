package io.tributary.log.txn;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A consume-transform-produce application, run in its own JVM by {@link ExactlyOnceFaultsTest} and killed
 * with SIGKILL there: reads {@code input} (read_committed, group {@code group}), writes each value with
 * {@value #SUFFIX} appended to {@code output} under the same key, and commits the consumed offsets in the same
 * transaction ({@code sendOffsetsToTransaction}), as the Kafka documentation's exactly-once loop does. An
 * abortable error aborts and rewinds to the committed offsets; a fatal one (fenced, out of order) starts a new
 * producer and consumer. Runs until killed.
 *
 * <p>Arguments: bootstrap input output group transactionalId pauseMsPerTransaction.
 */
public final class ConsumeTransformProduceApp {
  static final String SUFFIX = ":out";
  /** Records per transaction at most (the consumer's max.poll.records). */
  static final int MAX_RECORDS_PER_TRANSACTION = 50;

  private ConsumeTransformProduceApp() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String input = args[1];
    String output = args[2];
    String group = args[3];
    String transactionalId = args[4];
    long pauseMs = Long.parseLong(args[5]);
    while (true) {
      try (KafkaConsumer<String, String> consumer = consumer(bootstrap, group);
           KafkaProducer<String, String> producer = producer(bootstrap, transactionalId)) {
        producer.initTransactions();
        consumer.subscribe(List.of(input));
        run(consumer, producer, output, pauseMs);
      } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException | UnsupportedVersionException e) {
        System.out.println("fatal, starting over with a new producer: " + e);
      } catch (KafkaException e) {
        System.out.println("starting over after: " + e);
      }
    }
  }

  private static void run(KafkaConsumer<String, String> consumer, KafkaProducer<String, String> producer, String output,
      long pauseMs) throws InterruptedException {
    while (true) {
      ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
      if (records.isEmpty()) {
        continue;
      }
      producer.beginTransaction();
      try {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
          producer.send(new ProducerRecord<>(output, r.key(), r.value() + SUFFIX));
          offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        commit(producer);
      } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException | UnsupportedVersionException e) {
        throw e;
      } catch (KafkaException e) {
        System.out.println("aborting after: " + e);
        producer.abortTransaction();
        rewind(consumer);
      }
      Thread.sleep(pauseMs); // the "work" of a transaction, so that faults land mid-run
    }
  }

  /** commitTransaction may be retried after a timeout (a broker died); it completes the same transaction. */
  private static void commit(KafkaProducer<String, String> producer) {
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        System.out.println("commit timed out (attempt " + attempt + "), retrying: " + e);
      }
    }
  }

  /** Back to the committed offsets: the aborted transaction's input is read again. */
  private static void rewind(KafkaConsumer<String, String> consumer) {
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
    for (TopicPartition tp : assigned) {
      OffsetAndMetadata o = committed.get(tp);
      if (o == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, o.offset());
      }
    }
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_RECORDS_PER_TRANSACTION);
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  private static KafkaProducer<String, String> producer(String bootstrap, String transactionalId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 20_000); // a killed instance's transaction is aborted soon
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }
}
