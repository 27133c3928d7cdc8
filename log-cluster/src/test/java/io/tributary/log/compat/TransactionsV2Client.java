package io.tributary.log.compat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Transactions as a kafka-clients 4.x application uses them, written against the public client API only so that
 * it runs with the 4.x jar in a child JVM ({@link Kafka4TransactionsTest}). Each check prints
 * {@code CHECK <name> ok <detail>} or {@code CHECK <name> FAILED <detail>}; the last line is
 * {@code RESULT version=<v> failed=<n>}. Topics are made by the test: {@code <prefix>-out}, {@code <prefix>-in},
 * {@code <prefix>-ctp} and {@code <prefix>-zombie}, {@value #PARTITIONS} partitions each.
 */
public final class TransactionsV2Client {
  static final int PARTITIONS = 6;
  /** Bound of every wait for the cluster, in ms. */
  static final long WAIT_MS = 60_000;

  private final String bootstrap;
  private final String prefix;
  private int failed;

  private TransactionsV2Client(String bootstrap, String prefix) {
    this.bootstrap = bootstrap;
    this.prefix = prefix;
  }

  public static void main(String[] args) throws Exception {
    TransactionsV2Client c = new TransactionsV2Client(args[0], args[1]);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", args[0]))) {
      c.commitAndAbort(admin);
      c.zombieIsFenced();
      c.consumeTransformProduce();
    } catch (Throwable t) {
      c.check("no-exception", false, t.toString());
      t.printStackTrace(System.out);
    }
    System.out.println("RESULT version=" + ClientRoundTrip.clientVersion() + " failed=" + c.failed);
    System.out.flush();
    System.exit(c.failed == 0 ? 0 : 1);
  }

  private void check(String name, boolean ok, String detail) {
    if (!ok) {
      failed++;
    }
    System.out.println("CHECK " + name + (ok ? " ok " : " FAILED ") + detail);
  }

  private Properties producerProps(String transactionalId) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    if (transactionalId != null) {
      p.put("transactional.id", transactionalId);
    }
    p.put("max.block.ms", "60000");
    return p;
  }

  private KafkaConsumer<byte[], byte[]> consumer(String isolation, String group) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("isolation.level", isolation);
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    if (group != null) {
      p.put("group.id", group);
    }
    return new KafkaConsumer<>(p);
  }

  /** Whether the 4.x producer switched transactions v2 on (it read transaction.version=2 from ApiVersions). */
  private static Object transactionV2Enabled(KafkaProducer<?, ?> producer) throws Exception {
    Field f = KafkaProducer.class.getDeclaredField("transactionManager");
    f.setAccessible(true);
    Object tm = f.get(producer);
    Method m = tm.getClass().getMethod("isTransactionV2Enabled");
    return m.invoke(tm);
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String valuePrefix, int count) {
    for (int i = 0; i < count; i++) {
      producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, (valuePrefix + i).getBytes(StandardCharsets.UTF_8)));
    }
    producer.flush();
  }

  /** Every value of the topic as {@code isolation} sees it, up to the end offsets it reports. */
  private List<String> readAll(String topic, String isolation) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(isolation, null)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        tps.add(new TopicPartition(topic, p));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      List<String> values = new ArrayList<>();
      long deadline = System.currentTimeMillis() + WAIT_MS;
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(topic + ": did not reach the end offsets " + end);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
      return values;
    }
  }

  /** The coordinator's view of the id once its transaction is complete (EndTxn answers at Prepare). */
  private TransactionDescription awaitComplete(Admin admin, String id) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (true) {
      TransactionDescription d = admin.describeTransactions(List.of(id)).description(id).get();
      if (d.state() == TransactionState.COMPLETE_COMMIT || d.state() == TransactionState.COMPLETE_ABORT
          || System.currentTimeMillis() > deadline) {
        return d;
      }
      Thread.sleep(50); // polling a remote state, bounded by the deadline
    }
  }

  private static long count(List<String> values, String valuePrefix) {
    return values.stream().filter(v -> v.startsWith(valuePrefix)).count();
  }

  /** Commit, abort, commit over 6 partitions; the epoch goes up by one per transaction; visibility per isolation. */
  private void commitAndAbort(Admin admin) throws Exception {
    String topic = prefix + "-out";
    String id = prefix + "-tx";
    List<Integer> epochs = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps(id))) {
      p.initTransactions();
      check("transaction-v2-enabled", Boolean.TRUE.equals(transactionV2Enabled(p)), "isTransactionV2Enabled="
          + transactionV2Enabled(p));
      epochs.add(admin.describeTransactions(List.of(id)).description(id).get().producerEpoch());
      String[] outcomes = {"commit", "abort", "commit"};
      for (int t = 0; t < outcomes.length; t++) {
        p.beginTransaction();
        send(p, topic, outcomes[t] + t + "-", 60);
        if (outcomes[t].equals("commit")) {
          p.commitTransaction();
        } else {
          p.abortTransaction();
        }
        TransactionDescription d = awaitComplete(admin, id);
        epochs.add(d.producerEpoch());
        check("state-after-" + outcomes[t] + t, d.state() == (outcomes[t].equals("commit") ? TransactionState.COMPLETE_COMMIT
            : TransactionState.COMPLETE_ABORT) && d.topicPartitions().isEmpty(), d.toString());
      }
      // The next transaction writes with the bumped epoch: the partitions' producer state shows it.
      p.beginTransaction();
      send(p, topic, "last-", 6);
      p.commitTransaction();
      TransactionDescription d = awaitComplete(admin, id);
      epochs.add(d.producerEpoch());
      List<ProducerState> states = admin.describeProducers(List.of(new TopicPartition(topic, 0))).partitionResult(
          new TopicPartition(topic, 0)).get().activeProducers();
      boolean partitionEpoch = states.stream().anyMatch(s -> s.producerId() == d.producerId()
          && s.producerEpoch() == d.producerEpoch());
      check("describe-producers-epoch", partitionEpoch, "coordinator " + d.producerId() + "/" + d.producerEpoch()
          + ", partition " + states);
    }
    boolean bumpedEach = true;
    for (int i = 1; i < epochs.size(); i++) {
      bumpedEach &= epochs.get(i) == epochs.get(i - 1) + 1;
    }
    check("epoch-bumped-per-transaction", bumpedEach, "epochs " + epochs);
    List<String> committed = readAll(topic, "read_committed");
    List<String> uncommitted = readAll(topic, "read_uncommitted");
    check("read-committed", committed.size() == 126 && count(committed, "commit0-") == 60 && count(committed, "commit2-") == 60
        && count(committed, "last-") == 6 && count(committed, "abort1-") == 0, "read_committed saw " + committed.size());
    check("read-uncommitted", uncommitted.size() == 186 && count(uncommitted, "abort1-") == 60,
        "read_uncommitted saw " + uncommitted.size());
  }

  /** A second producer with the same id fences the first: the first's commit fails, its records never show. */
  private void zombieIsFenced() throws Exception {
    String topic = prefix + "-zombie";
    String id = prefix + "-zombie-tx";
    try (KafkaProducer<byte[], byte[]> zombie = new KafkaProducer<>(producerProps(id));
         KafkaProducer<byte[], byte[]> successor = new KafkaProducer<>(producerProps(id))) {
      zombie.initTransactions();
      zombie.beginTransaction();
      send(zombie, topic, "zombie-", 30);
      successor.initTransactions(); // fences the zombie, aborting its open transaction
      successor.beginTransaction();
      send(successor, topic, "successor-", 30);
      successor.commitTransaction();
      String zombieOutcome;
      try {
        send(zombie, topic, "zombie-late-", 6);
        zombie.commitTransaction();
        zombieOutcome = "committed";
      } catch (Exception e) {
        zombieOutcome = e.getClass().getSimpleName();
      }
      check("zombie-commit-fails", !zombieOutcome.equals("committed"), "zombie's commit: " + zombieOutcome);
    }
    List<String> committed = readAll(topic, "read_committed");
    check("zombie-invisible", committed.size() == 30 && count(committed, "successor-") == 30,
        "read_committed saw " + committed.size() + " records, " + count(committed, "zombie") + " of the zombie");
  }

  /**
   * Consume-transform-produce with sendOffsetsToTransaction (TxnOffsetCommit v5 adds the offsets partition):
   * every input record exactly once in the output, one transaction aborted and redone on the way.
   */
  private void consumeTransformProduce() throws Exception {
    String in = prefix + "-in";
    String out = prefix + "-ctp";
    String group = prefix + "-group";
    int records = 600;
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps(null))) {
      send(p, in, "in-", records);
    }
    int transactions = 0;
    int aborted = 0;
    try (KafkaConsumer<byte[], byte[]> c = consumer("read_committed", group);
         KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps(prefix + "-ctp-tx"))) {
      p.initTransactions();
      c.subscribe(List.of(in));
      Set<String> seen = new HashSet<>();
      long deadline = System.currentTimeMillis() + 2 * WAIT_MS;
      while (seen.size() < records && System.currentTimeMillis() < deadline) {
        ConsumerRecords<byte[], byte[]> batch = c.poll(Duration.ofMillis(200));
        if (batch.isEmpty()) {
          continue;
        }
        p.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          String v = new String(r.value(), StandardCharsets.UTF_8);
          values.add(v);
          p.send(new ProducerRecord<>(out, r.partition(), null, ("out-" + v).getBytes(StandardCharsets.UTF_8)));
          offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        p.sendOffsetsToTransaction(offsets, c.groupMetadata());
        if (transactions++ == 1) {
          // Abort one: its output and offsets are dropped; rewind to the committed offsets and do it again.
          p.abortTransaction();
          aborted++;
          Map<TopicPartition, OffsetAndMetadata> committed = c.committed(c.assignment());
          for (TopicPartition tp : c.assignment()) {
            OffsetAndMetadata o = committed.get(tp);
            if (o != null) {
              c.seek(tp, o.offset());
            } else {
              c.seekToBeginning(List.of(tp));
            }
          }
          continue;
        }
        p.commitTransaction();
        seen.addAll(values);
      }
      check("ctp-processed", seen.size() == records, seen.size() + " of " + records + " input records processed in "
          + transactions + " transactions (" + aborted + " aborted)");
    }
    List<String> output = readAll(out, "read_committed");
    Set<String> distinct = new HashSet<>(output);
    check("ctp-exactly-once", output.size() == records && distinct.size() == records,
        "output read_committed: " + output.size() + " records, " + distinct.size() + " distinct, expected " + records);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get();
      long sum = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
      check("ctp-offsets-committed", sum == records, "group offsets sum to " + sum + ": " + committed);
    }
  }
}
