package io.tributary.bench;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The transactional produce workload against one cluster, with kafka-clients (the reactor's version) and the
 * same settings for every system:
 *
 * <ol>
 *   <li>create the measured topic and a warm-up topic (6 partitions, RF 3, {@code min.insync.replicas=2});
 *   <li>start P producers, each with its own {@code transactional.id}, {@code acks=all} and idempotence, each on
 *       its own thread; {@code initTransactions()} and a few warm-up transactions, not measured;
 *   <li>measured: the producers share the N / R transactions (producer i takes i, i + P, i + 2P, ...); each is
 *       {@code beginTransaction()}, R {@code send()}s of 100-byte values spread round robin over the 6
 *       partitions, {@code commitTransaction()};
 *   <li>verify: a {@code read_committed} consumer reads the topic from the beginning and must see every
 *       committed record exactly once and nothing else ({@link CommittedRecordsCheck}).
 * </ol>
 *
 * <p>Records name their partition explicitly: with no key, the client's default partitioner fills one
 * partition's 16 KiB batch before moving on, so a 10 KB transaction would mostly touch a single partition;
 * round robin makes every transaction add all 6 partitions and write 6 commit markers, as a transaction of a
 * stream processor writing a keyed topic does.
 */
final class TxnProduceWorkload {
  static final String TOPIC = "txn-produce";
  static final String WARMUP_TOPIC = "txn-produce-warmup";
  /**
   * The producers' {@code max.block.ms} (client default 60 s): {@code initTransactions()} waits for the
   * coordinator, whose first use creates {@code __transaction_state} (50 partitions, RF 3), slow on a loaded
   * machine; the same on both systems, and it never binds in the measured steady state.
   */
  static final int MAX_BLOCK_MS = 180_000;
  /** How long the producers may take to initialise and warm up, the measured phase, and the read back. */
  static final long INIT_TIMEOUT_MS = 10 * 60_000L;
  static final long MEASURE_TIMEOUT_MS = 60 * 60_000L;
  static final long VERIFY_TIMEOUT_MS = 10 * 60_000L;
  private static final long PROGRESS_EVERY_MS = 5_000;
  private static final Duration POLL = Duration.ofMillis(500);

  private final String bootstrap;
  private final Map<String, String> clientConfig;
  private final TxnProduceOptions options;
  private final PrintStream progress;

  TxnProduceWorkload(String bootstrap, Map<String, String> clientConfig, TxnProduceOptions options,
      PrintStream progress) {
    this.bootstrap = bootstrap;
    this.clientConfig = clientConfig;
    this.options = options;
    this.progress = progress;
  }

  TxnProduceResult run(String system) throws BenchException, InterruptedException {
    Properties adminProps = new Properties();
    adminProps.putAll(clientConfig);
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(adminProps)) {
      BenchTopics.create(admin, bootstrap, List.of(TOPIC, WARMUP_TOPIC), TxnProduceBench.PARTITIONS,
          TxnProduceBench.REPLICATION_FACTOR, TxnProduceBench.TOPIC_CONFIGS);
    }
    try {
      Measured m = produce(system);
      progress.printf("[%s] verify: reading %s with read_committed%n", system, TOPIC);
      long read = verify();
      progress.printf("[%s] verified: %,d records read with read_committed, every committed record exactly once%n",
          system, read);
      return new TxnProduceResult(system, m.records, options.transactions(), m.elapsedNanos, m.commitLatency,
          m.txnLatency);
    } catch (KafkaException e) {
      throw new BenchException("client error against " + bootstrap + ": " + ProduceConsumeBench.rootMessage(e), e);
    }
  }

  private record Measured(long records, long elapsedNanos, LatencyStats commitLatency, LatencyStats txnLatency) {}

  /** One producer's measured figures; its latencies are read only after its thread has finished. */
  private record ProducerFigures(long finishedNanos, LatencyStats commitLatency, LatencyStats txnLatency) {}

  private Measured produce(String system) throws BenchException, InterruptedException {
    int producers = options.producers();
    CountDownLatch ready = new CountDownLatch(producers);
    CountDownLatch go = new CountDownLatch(1);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong committed = new AtomicLong();
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    AtomicLong start = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(producers, r -> {
      Thread t = new Thread(r, "txn-bench-producer");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<ProducerFigures>> futures = new ArrayList<>();
      for (int i = 0; i < producers; i++) {
        int index = i;
        futures.add(pool.submit(() -> producerLoop(index, ready, go, stop, committed, firstError)));
      }
      progress.printf("[%s] %d transactional producers: initTransactions and %d warm-up transactions each on %s%n",
          system, producers, options.warmupTxnsPerProducer(), WARMUP_TOPIC);
      if (!ready.await(INIT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        stop.set(true);
        throw new BenchException("the producers did not initialise and warm up within " + INIT_TIMEOUT_MS + " ms");
      }
      if (firstError.get() != null) {
        stop.set(true);
        go.countDown();
        throw failure("initialising or warming up the transactional producers", firstError.get(), committed.get());
      }
      progress.printf("[%s] measured: %,d transactions of %d records of %d B to %s%n", system, options.transactions(),
          options.recordsPerTxn(), TxnProduceBench.RECORD_SIZE_BYTES, TOPIC);
      start.set(System.nanoTime());
      go.countDown();
      List<ProducerFigures> figures = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MEASURE_TIMEOUT_MS);
      for (Future<ProducerFigures> f : futures) {
        figures.add(awaitWithProgress(system, f, deadline, committed, stop));
      }
      if (firstError.get() != null) {
        throw failure("the measured phase", firstError.get(), committed.get());
      }
      long end = figures.stream().mapToLong(ProducerFigures::finishedNanos).max().orElseThrow();
      LatencyStats commit = new LatencyStats();
      LatencyStats txn = new LatencyStats();
      for (ProducerFigures f : figures) {
        commit.add(f.commitLatency());
        txn.add(f.txnLatency());
      }
      if (committed.get() != options.records()) {
        throw new BenchException(committed.get() + " records committed, expected " + options.records());
      }
      return new Measured(committed.get(), end - start.get(), commit, txn);
    } finally {
      stop.set(true);
      go.countDown();
      pool.shutdownNow();
      pool.awaitTermination(60, TimeUnit.SECONDS);
    }
  }

  private ProducerFigures awaitWithProgress(String system, Future<ProducerFigures> f, long deadline,
      AtomicLong committed, AtomicBoolean stop) throws BenchException, InterruptedException {
    while (true) {
      long leftNanos = deadline - System.nanoTime();
      if (leftNanos <= 0) {
        stop.set(true);
        throw new BenchException("the measured phase did not end within " + MEASURE_TIMEOUT_MS + " ms ("
            + committed.get() + " of " + options.records() + " records committed)");
      }
      try {
        return f.get(Math.min(PROGRESS_EVERY_MS, TimeUnit.NANOSECONDS.toMillis(leftNanos) + 1), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        progress.printf("[%s]   %,d of %,d records committed%n", system, committed.get(), options.records());
      } catch (ExecutionException e) {
        stop.set(true);
        throw failure("a producer thread", e.getCause(), committed.get());
      }
    }
  }

  private BenchException failure(String where, Throwable e, long committed) {
    return new BenchException("transactional produce to " + bootstrap + " failed in " + where + " (" + committed
        + " of " + options.records() + " records committed): " + ProduceConsumeBench.rootMessage(e), e);
  }

  /**
   * One producer: initialise, warm up, signal ready, wait for the start, then commit transactions
   * {@code index}, {@code index + P}, ... Any error is kept in {@code firstError} and stops every producer.
   */
  private ProducerFigures producerLoop(int index, CountDownLatch ready, CountDownLatch go, AtomicBoolean stop,
      AtomicLong committed, AtomicReference<Throwable> firstError) throws InterruptedException {
    LatencyStats commitLatency = new LatencyStats();
    LatencyStats txnLatency = new LatencyStats();
    boolean signalled = false;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(index))) {
      byte[] filler = new byte[TxnProduceBench.RECORD_SIZE_BYTES];
      new Random(index).nextBytes(filler);
      producer.initTransactions();
      for (int w = 0; w < options.warmupTxnsPerProducer() && !stop.get(); w++) {
        runTransaction(producer, WARMUP_TOPIC, filler, (long) w * options.recordsPerTxn());
      }
      ready.countDown();
      signalled = true;
      go.await();
      long recordsPerTxn = options.recordsPerTxn();
      for (long t = index; t < options.transactions() && !stop.get(); t += options.producers()) {
        long begun = System.nanoTime();
        long commitAsked = runTransactionUntilCommit(producer, filler, t * recordsPerTxn);
        long done = System.nanoTime();
        commitLatency.recordNanos(done - commitAsked);
        txnLatency.recordNanos(done - begun);
        committed.addAndGet(recordsPerTxn);
      }
      return new ProducerFigures(System.nanoTime(), commitLatency, txnLatency);
    } catch (RuntimeException e) {
      firstError.compareAndSet(null, e);
      stop.set(true);
      throw e;
    } finally {
      if (!signalled) {
        ready.countDown(); // failed before the start: the main thread finds the error instead of waiting
      }
    }
  }

  private void runTransaction(KafkaProducer<byte[], byte[]> producer, String topic, byte[] filler, long firstSeq) {
    producer.beginTransaction();
    sendRecords(producer, topic, filler, firstSeq);
    producer.commitTransaction();
  }

  /** Begins, sends and commits one measured transaction; returns when {@code commitTransaction()} was called. */
  private long runTransactionUntilCommit(KafkaProducer<byte[], byte[]> producer, byte[] filler, long firstSeq) {
    producer.beginTransaction();
    sendRecords(producer, TOPIC, filler, firstSeq);
    long commitAsked = System.nanoTime();
    producer.commitTransaction(); // flushes the records, then EndTxn(commit); throws if any send failed
    return commitAsked;
  }

  private void sendRecords(KafkaProducer<byte[], byte[]> producer, String topic, byte[] filler, long firstSeq) {
    for (int j = 0; j < options.recordsPerTxn(); j++) {
      long seq = firstSeq + j;
      byte[] value = filler.clone();
      ByteBuffer.wrap(value).putLong(0, seq);
      producer.send(new ProducerRecord<>(topic, (int) (seq % TxnProduceBench.PARTITIONS), null, value));
    }
  }

  private Properties producerProps(int index) {
    Properties p = new Properties();
    p.putAll(clientConfig);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "txn-bench-producer-" + index);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "txn-bench-" + index);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(MAX_BLOCK_MS));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /**
   * Reads the measured topic from the beginning with {@code read_committed} until every committed record has
   * been seen, then on up to the last stable offset to catch anything extra; returns the records read.
   */
  private long verify() throws BenchException {
    Properties p = new Properties();
    p.putAll(clientConfig);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "txn-bench-verifier");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    CommittedRecordsCheck check = new CommittedRecordsCheck(options.records());
    List<TopicPartition> partitions = new ArrayList<>();
    for (int i = 0; i < TxnProduceBench.PARTITIONS; i++) {
      partitions.add(new TopicPartition(TOPIC, i));
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(VERIFY_TIMEOUT_MS);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!check.complete() && System.nanoTime() < deadline) {
        pollInto(consumer, check);
      }
      // The last commits' markers may land after commitTransaction() returned; the LSO now covers them all.
      Map<TopicPartition, Long> lastStable = consumer.endOffsets(partitions); // read_committed: the LSO
      while (!reached(consumer, lastStable) && System.nanoTime() < deadline) {
        pollInto(consumer, check);
      }
      String problems = check.problems();
      if (!problems.isEmpty() || !reached(consumer, lastStable)) {
        throw new BenchException("verification failed on " + bootstrap + ": "
            + (problems.isEmpty() ? "the consumer did not reach the last stable offsets" : problems)
            + " (positions " + positions(consumer, partitions) + ", last stable offsets " + lastStable + ")");
      }
      return check.received();
    }
  }

  private static void pollInto(KafkaConsumer<byte[], byte[]> consumer, CommittedRecordsCheck check) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
      long seq = r.value() != null && r.value().length >= Long.BYTES ? ByteBuffer.wrap(r.value()).getLong(0) : -1;
      check.accept(seq, r.partition(), r.offset());
    }
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> offsets) {
    return offsets.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private static String positions(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
    return partitions.stream().map(tp -> tp.partition() + "=" + consumer.position(tp))
        .collect(Collectors.joining(", ", "{", "}"));
  }
}
