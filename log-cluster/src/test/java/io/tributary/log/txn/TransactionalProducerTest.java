package io.tributary.log.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.log.protocol.KafkaRpcClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
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
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.tools.TransactionsCommandRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, done-when 1 and 5 (first half), against three brokers (RF 3 everywhere): a Java transactional
 * producer over 6 partitions; committed records visible to read_committed, aborted ones only to
 * read_uncommitted; an open transaction holds the last stable offset; a second producer with the same
 * transactional id fences the first, whose records never become visible; a transaction left open past its
 * timeout is aborted by the coordinator and the last stable offset moves on; librdkafka does the same and
 * Kafka's {@code kafka-transactions.sh list} lists its id (done-when 4); consume-transform-produce is exactly
 * once through an application crash and a coordinator stop (done-when 2, short). One cluster for the class.
 */
class TransactionalProducerTest {
  static final int PARTITIONS = 6;
  static final Duration WAIT = Duration.ofSeconds(60);
  static Path dir;
  static EmbeddedCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    dir = Files.createTempDirectory("txn-producer");
    cluster = EmbeddedCluster.start(3, dir, Map.of("transaction.state.log.num.partitions", "3",
        "offsets.topic.num.partitions", "3", "default.replication.factor", "3", "min.insync.replicas", "2",
        "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static KafkaProducer<byte[], byte[]> producer(String transactionalId, int timeoutMs) {
    Properties p = cluster.producerProps();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(timeoutMs));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
    return new KafkaProducer<>(p);
  }

  static void send(KafkaProducer<byte[], byte[]> producer, String topic, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, (prefix + i).getBytes(StandardCharsets.UTF_8)));
    }
    producer.flush();
  }

  static List<TopicPartition> partitions(String topic) {
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      tps.add(new TopicPartition(topic, p));
    }
    return tps;
  }

  static KafkaConsumer<byte[], byte[]> consumer(String isolation) {
    Properties p = cluster.consumerProps();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    return new KafkaConsumer<>(p);
  }

  /** Every value of the topic as {@code isolation} sees it, read up to the end offsets it reports. */
  static List<String> readAll(String topic, String isolation) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(isolation)) {
      List<TopicPartition> tps = partitions(topic);
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        assertTrue(System.nanoTime() < deadline, "did not reach the end offsets " + end);
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
      return values;
    }
  }

  static long sum(Collection<Long> offsets) {
    return offsets.stream().mapToLong(Long::longValue).sum();
  }

  static Map<TopicPartition, Long> endOffsets(String topic, String isolation) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(isolation)) {
      return c.endOffsets(partitions(topic));
    }
  }

  /**
   * A producer that begins its next transaction as soon as the last commit is answered sends AddPartitionsToTxn while
   * the coordinator is still writing the last one's markers and CompleteCommit. Kafka answers CONCURRENT_TRANSACTIONS
   * and the client backs off 20 ms (KAFKA-5482); here the request waits until the id is free. Raw requests, one
   * connection to the coordinator, 20 back-to-back transactions over a partition of replication factor 3: none is
   * refused, and every one wrote its commit marker.
   */
  @Test
  void theNextTransactionsFirstAddPartitionsWaitsForTheLastOnesMarkersInsteadOfBeingRefused() throws Exception {
    String topic = "back-to-back";
    String transactionalId = "back-to-back";
    int transactions = 20;
    cluster.createTopic(topic, 1, 3, Map.of());
    TopicPartition tp = new TopicPartition(topic, 0);
    FindCoordinatorResponseData.Coordinator coordinator = findTransactionCoordinator(transactionalId);
    try (KafkaRpcClient rpc = new KafkaRpcClient(coordinator.host(), coordinator.port(), "back-to-back", 60_000)) {
      InitProducerIdResponse init = rpc.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
          .setTransactionalId(transactionalId).setTransactionTimeoutMs(60_000).setProducerId(-1).setProducerEpoch((short) -1))
          .build((short) 3));
      assertEquals(Errors.NONE, init.error());
      long producerId = init.data().producerId();
      short epoch = init.data().producerEpoch();
      int refused = 0;
      for (int txn = 0; txn < transactions; txn++) {
        Errors added;
        do {
          AddPartitionsToTxnResponse response = rpc.send(AddPartitionsToTxnRequest.Builder
              .forClient(transactionalId, producerId, epoch, List.of(tp)).build((short) 3));
          added = response.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID).get(tp);
          refused += added == Errors.CONCURRENT_TRANSACTIONS ? 1 : 0;
        } while (added == Errors.CONCURRENT_TRANSACTIONS);
        assertEquals(Errors.NONE, added, "AddPartitionsToTxn of transaction " + txn);
        EndTxnResponse ended = rpc.send(new EndTxnRequest.Builder(new EndTxnRequestData().setTransactionalId(transactionalId)
            .setProducerId(producerId).setProducerEpoch(epoch).setCommitted(true)).build((short) 3));
        assertEquals(Errors.NONE, ended.error(), "EndTxn of transaction " + txn);
      }
      assertEquals(0, refused, "AddPartitionsToTxn answered CONCURRENT_TRANSACTIONS");
    }
    try (KafkaConsumer<byte[], byte[]> c = consumer("read_uncommitted")) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (c.endOffsets(List.of(tp)).get(tp) < transactions) {
        assertTrue(System.nanoTime() < deadline, "commit markers written: " + c.endOffsets(List.of(tp)));
        Thread.sleep(100);
      }
      assertEquals(transactions, c.endOffsets(List.of(tp)).get(tp), "one commit marker per transaction");
    }
  }

  /** FindCoordinator for a transactional id, asked again while {@code __transaction_state} is being created. */
  static FindCoordinatorResponseData.Coordinator findTransactionCoordinator(String transactionalId) throws Exception {
    String[] any = cluster.bootstrapServers().split(",")[0].split(":");
    try (KafkaRpcClient rpc = new KafkaRpcClient(any[0], Integer.parseInt(any[1]), "find-coordinator", 60_000)) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        FindCoordinatorResponse found = rpc.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
            .setKeyType(FindCoordinatorRequest.CoordinatorType.TRANSACTION.id()).setCoordinatorKeys(List.of(transactionalId)))
            .build((short) 4));
        FindCoordinatorResponseData.Coordinator c = found.data().coordinators().get(0);
        if (c.errorCode() == Errors.NONE.code()) {
          return c;
        }
        assertTrue(System.nanoTime() < deadline, "no transaction coordinator: " + Errors.forCode(c.errorCode()));
        Thread.sleep(200);
      }
    }
  }

  @Test
  void committedVisibleAbortedInvisibleOpenHoldsTheLsoZombieFenced() throws Exception {
    String topic = "txn-visibility";
    cluster.createTopic(topic, PARTITIONS, 3, Map.of());
    KafkaProducer<byte[], byte[]> first = producer("visibility-app", 60_000);
    try {
      first.initTransactions();
      first.beginTransaction();
      send(first, topic, "committed-", 60);
      first.commitTransaction();

      first.beginTransaction();
      send(first, topic, "aborted-", 60);
      first.abortTransaction();

      // Open: flushed to the leaders, neither committed nor aborted.
      first.beginTransaction();
      send(first, topic, "zombie-", 12);
      Map<TopicPartition, Long> stable = endOffsets(topic, "read_committed");
      Map<TopicPartition, Long> written = endOffsets(topic, "read_uncommitted");
      for (TopicPartition tp : partitions(topic)) {
        // 10 committed + marker + 10 aborted + marker, then 2 open records
        assertEquals(22, stable.get(tp), "the open transaction holds the last stable offset of " + tp);
        assertEquals(24, written.get(tp), tp.toString());
      }

      try (KafkaProducer<byte[], byte[]> second = producer("visibility-app", 60_000)) {
        second.initTransactions(); // fences the first and aborts its open transaction
        KafkaException refused = assertThrows(KafkaException.class, first::commitTransaction);
        assertTrue(refused instanceof ProducerFencedException || refused.getCause() instanceof ProducerFencedException,
            "the zombie is told it is fenced: " + refused);
        second.beginTransaction();
        send(second, topic, "second-", 6);
        second.commitTransaction();
      }
    } finally {
      first.close(Duration.ZERO);
    }

    List<String> committed = readAll(topic, "read_committed");
    assertEquals(66, committed.size(), "60 committed by the first producer, 6 by the second: " + committed);
    assertTrue(committed.stream().allMatch(v -> v.startsWith("committed-") || v.startsWith("second-")), committed.toString());
    List<String> uncommitted = readAll(topic, "read_uncommitted");
    assertEquals(60, uncommitted.stream().filter(v -> v.startsWith("aborted-")).count());
    assertEquals(12, uncommitted.stream().filter(v -> v.startsWith("zombie-")).count());

    try (Admin admin = cluster.admin()) {
      Collection<TransactionListing> listed = admin.listTransactions().all().get(30, TimeUnit.SECONDS);
      assertTrue(listed.stream().anyMatch(l -> l.transactionalId().equals("visibility-app")
          && l.state() == TransactionState.COMPLETE_COMMIT), listed.toString());
      TransactionDescription described = admin.describeTransactions(List.of("visibility-app")).description("visibility-app")
          .get(30, TimeUnit.SECONDS);
      assertEquals(TransactionState.COMPLETE_COMMIT, described.state());
      assertTrue(described.topicPartitions().isEmpty());
    }
  }

  @Test
  void aTransactionOpenPastItsTimeoutIsAbortedAndTheLsoMovesOn() throws Exception {
    String topic = "txn-timeout";
    cluster.createTopic(topic, PARTITIONS, 3, Map.of());
    try (KafkaProducer<byte[], byte[]> stuck = producer("stuck-app", 2_000)) {
      stuck.initTransactions();
      stuck.beginTransaction();
      send(stuck, topic, "stuck-", 12);
      assertEquals(0, sum(endOffsets(topic, "read_committed").values()), "the open transaction holds the LSO");

      // The abort marker lands on each partition in turn: wait (bounded) until every LSO is past
      // the 2 aborted records and the marker.
      long deadline = System.nanoTime() + WAIT.toNanos();
      Map<TopicPartition, Long> notYet = diff(endOffsets(topic, "read_committed"), 3);
      while (!notYet.isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "the timed-out transaction was not aborted on " + notYet);
        Thread.sleep(200);
        notYet = diff(endOffsets(topic, "read_committed"), 3);
      }
      assertEquals(List.of(), readAll(topic, "read_committed"));
      assertThrows(KafkaException.class, stuck::commitTransaction, "the timed-out producer was fenced");
    }
  }

  /** Done-when 4: librdkafka commits, aborts and is fenced with the same visibility; kafka-transactions.sh lists the id. */
  @Test
  void librdkafkaCommitsAbortsIsFencedAndKafkasToolListsIt() throws Exception {
    String topic = "txn-librdkafka";
    cluster.createTopic(topic, PARTITIONS, 3, Map.of());
    Path script = Path.of("src/test/resources/txn/librdkafka_transactions.py").toAbsolutePath();
    // Debian's python3 (with python3-confluent-kafka), not whatever python3 comes first on the PATH.
    Process python = new ProcessBuilder("/usr/bin/python3", script.toString(), cluster.bootstrapServers(), topic,
        Integer.toString(PARTITIONS)).redirectErrorStream(true).start();
    String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(python.waitFor(120, TimeUnit.SECONDS), output);
    assertEquals(0, python.exitValue(), output);

    List<String> committed = readAll(topic, "read_committed");
    assertEquals(12, committed.size(), committed.toString());
    assertTrue(committed.stream().allMatch(v -> v.startsWith("py-committed-") || v.startsWith("py-second-")),
        committed.toString());
    List<String> uncommitted = readAll(topic, "read_uncommitted");
    assertEquals(PARTITIONS, uncommitted.stream().filter(v -> v.startsWith("py-aborted-")).count());
    assertEquals(PARTITIONS, uncommitted.stream().filter(v -> v.startsWith("py-zombie-")).count());

    String listed = TransactionsCommandRunner.run(cluster.bootstrapServers(), "--bootstrap-server",
        cluster.bootstrapServers(), "list");
    assertTrue(listed.lines().anyMatch(l -> l.contains("librdkafka-app") && l.contains("CompleteCommit")), listed);
  }

  /**
   * Done-when 5, second half: the coordinator dies after PrepareCommit is durable and before any marker is
   * written. The crash is staged: PrepareCommit is appended to the coordinator's partition of
   * __transaction_state (as the coordinator writes it), then that broker is stopped before it acts on it.
   * The next leader of the partition loads PrepareCommit, writes every commit marker and CompleteCommit.
   */
  @Test
  void aCommitDecidedByADeadCoordinatorIsFinishedByTheNext() throws Exception {
    String topic = "txn-takeover";
    String id = "takeover-app";
    cluster.createTopic(topic, PARTITIONS, 3, Map.of());
    KafkaProducer<byte[], byte[]> producer = producer(id, 120_000);
    int coordinator;
    try {
      producer.initTransactions();
      producer.beginTransaction();
      send(producer, topic, "decided-", 12);
      TransactionDescription open;
      try (Admin admin = cluster.admin()) {
        open = admin.describeTransactions(List.of(id)).description(id).get(30, TimeUnit.SECONDS);
      }
      assertEquals(TransactionState.ONGOING, open.state());
      coordinator = open.coordinatorId();
      TreeSet<TopicPartition> partitions = new TreeSet<>(TxnMetadata::compare);
      partitions.addAll(open.topicPartitions());
      TxnMetadata prepared = new TxnMetadata(id, open.producerId(), -1, (short) open.producerEpoch(), (short) -1,
          (int) open.transactionTimeoutMs(), TxnState.PREPARE_COMMIT, partitions, open.transactionStartTimeMs().orElse(0),
          System.currentTimeMillis());
      TopicPartition statePartition = new TopicPartition(TxnLogFormat.TOPIC, TxnLogFormat.partitionFor(id, 3));
      cluster.broker(coordinator).replicaManager()
          .appendAndWait(statePartition, TxnLogFormat.records(prepared, System.currentTimeMillis()), 30_000)
          .get(30, TimeUnit.SECONDS);
      cluster.stopBroker(coordinator);
    } finally {
      producer.close(Duration.ZERO);
    }
    try {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (sum(endOffsets(topic, "read_committed").values()) < 18) {
        assertTrue(System.nanoTime() < deadline, "the decided commit was not finished by the next coordinator");
        Thread.sleep(200);
      }
      List<String> committed = readAll(topic, "read_committed");
      assertEquals(12, committed.size(), committed.toString());
      assertTrue(committed.stream().allMatch(v -> v.startsWith("decided-")), committed.toString());
      try (Admin admin = cluster.admin()) {
        TransactionDescription after = null;
        while (after == null || after.state() != TransactionState.COMPLETE_COMMIT) {
          assertTrue(System.nanoTime() < deadline, "no CompleteCommit after the takeover: " + after);
          after = admin.describeTransactions(List.of(id)).description(id).get(30, TimeUnit.SECONDS);
        }
        assertTrue(after.coordinatorId() != coordinator, "a new coordinator finished it");
      }
    } finally {
      cluster.startBroker(coordinator);
      cluster.awaitBrokersSeeEachOther();
    }
  }

  /**
   * Done-when 2, short version: consume-transform-produce with {@code sendOffsetsToTransaction}. The
   * application dies mid-transaction (its producer and consumer dropped without commit or abort, as a
   * kill leaves them) and a new instance with the same transactional id takes over; then the broker
   * coordinating the transactional id is stopped mid-run. Every input record appears exactly once in the
   * output read with read_committed. (In-process brokers: stops, not kill -9; the kill -9 version runs in
   * {@link KafkaStreamsExactlyOnceTest}.)
   */
  @Test
  void consumeTransformProduceIsExactlyOnceThroughAnAppCrashAndACoordinatorStop() throws Exception {
    String input = "ctp-in";
    String output = "ctp-out";
    String group = "ctp-app";
    String id = "ctp-app-1";
    int records = 600;
    cluster.createTopic(input, PARTITIONS, 3, Map.of());
    cluster.createTopic(output, PARTITIONS, 3, Map.of());
    try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(cluster.producerProps())) {
      for (int i = 0; i < records; i++) {
        plain.send(new ProducerRecord<>(input, i % PARTITIONS, null, ("in-" + i).getBytes(StandardCharsets.UTF_8)));
      }
      plain.flush();
    }
    // First instance: two transactions committed, then it dies inside the third.
    runApp(input, output, group, id, 2, true);
    // Second instance: fences the first, resumes from the committed offsets; the coordinator stops meanwhile.
    int stopped = -1;
    try (Admin admin = cluster.admin()) {
      stopped = admin.describeTransactions(List.of(id)).description(id).get(30, TimeUnit.SECONDS).coordinatorId();
    }
    runApp(input, output, group, id, 3, false);
    cluster.stopBroker(stopped);
    try {
      runApp(input, output, group, id, Integer.MAX_VALUE, false);
    } finally {
      cluster.startBroker(stopped);
      cluster.awaitBrokersSeeEachOther();
    }
    List<String> out = readAll(output, "read_committed");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      expected.add("out-in-" + i);
    }
    assertEquals(new TreeSet<>(expected), new TreeSet<>(out), "every input record in the output");
    assertEquals(records, out.size(), "and none twice");
  }

  /**
   * One application instance: up to {@code transactions} read-process-write transactions of at most 50
   * records each (stops early when the input is drained); {@code dieInTheNext}: then begins one more,
   * writes it, and is dropped without commit or abort.
   */
  private static void runApp(String input, String output, String group, String id, int transactions, boolean dieInTheNext) {
    Properties cp = cluster.consumerProps();
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp);
    KafkaProducer<byte[], byte[]> producer = producer(id, 60_000);
    boolean clean = false;
    try {
      consumer.subscribe(List.of(input));
      producer.initTransactions();
      int emptyPolls = 0;
      for (int t = 0; t < transactions + (dieInTheNext ? 1 : 0) && emptyPolls < 10; ) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
        if (batch.isEmpty()) {
          emptyPolls++;
          continue;
        }
        emptyPolls = 0;
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          String value = "out-" + new String(r.value(), StandardCharsets.UTF_8);
          producer.send(new ProducerRecord<>(output, r.partition(), null, value.getBytes(StandardCharsets.UTF_8)));
          next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
        t++;
        if (dieInTheNext && t == transactions + 1) {
          producer.flush();
          return; // dies: nothing committed, nothing aborted
        }
        producer.commitTransaction();
      }
      clean = true;
    } finally {
      producer.close(clean ? Duration.ofSeconds(30) : Duration.ZERO);
      consumer.close(clean ? Duration.ofSeconds(30) : Duration.ZERO);
    }
  }

  private static Map<TopicPartition, Long> diff(Map<TopicPartition, Long> offsets, long expected) {
    Map<TopicPartition, Long> wrong = new HashMap<>(offsets);
    wrong.values().removeIf(v -> v == expected);
    return wrong;
  }
}
