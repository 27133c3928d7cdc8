package io.tributary.bench;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The produce/consume workload, against any bootstrap address, with kafka-clients (the version pinned
 * in the parent pom) and the same client settings for every system:
 *
 * <ol>
 *   <li>create a topic (Admin; P partitions, RF given) and a warm-up topic;
 *   <li>warm-up: produce and consume W records on the warm-up topic (not measured);
 *   <li>produce N records of S bytes (value only: an 8-byte sequence number then filler) with an
 *       idempotent producer, acks=all, measuring each record's ack latency (send callback time minus
 *       the time just before {@code send()}), records/s and MiB/s from the first send to the last ack;
 *   <li>consume them back with a fresh consumer (assign all partitions, seek to beginning), measuring
 *       records/s and MiB/s from the first poll to the N-th record, and verifying the count, that every
 *       sequence number arrives exactly once, and that offsets and sequence numbers increase within
 *       each partition (per-partition order);
 *   <li>delete both topics.
 * </ol>
 *
 * <p>{@code main}: {@code ProduceConsumeBench --bootstrap host:port [options]} runs it against an
 * already running cluster and prints the table.
 */
public final class ProduceConsumeBench {
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final String bootstrap;
  private final WorkloadOptions options;
  private final PrintStream progress;

  public ProduceConsumeBench(String bootstrap, WorkloadOptions options, PrintStream progress) {
    this.bootstrap = bootstrap;
    this.options = options;
    this.progress = progress;
  }

  public WorkloadResult run(String system, String description) throws BenchException, InterruptedException {
    String runId = Long.toString(System.currentTimeMillis(), 36);
    String topic = "bench-pc-" + runId;
    String warmupTopic = topic + "-warmup";
    String latencyTopic = topic + "-latency";
    Properties adminProps = new Properties();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "bench-admin");
    try (Admin admin = Admin.create(adminProps)) {
      List<String> topics = new ArrayList<>(List.of(topic));
      if (options.warmupRecords() > 0) {
        topics.add(warmupTopic);
      }
      if (options.latencyRecords() > 0) {
        topics.add(latencyTopic);
      }
      createTopics(admin, topics);
      try {
        if (options.warmupRecords() > 0) {
          progress.printf("[%s] warm-up: %,d records on %s%n", system, options.warmupRecords(), warmupTopic);
          produce(system, warmupTopic, options.warmupRecords(), 0);
          consume(system, warmupTopic, options.warmupRecords());
        }
        progress.printf("[%s] produce: %,d records of %d B to %s%n", system, options.records(),
            options.recordSizeBytes(), topic);
        PhaseResult produced = produce(system, topic, options.records(), options.maxRecordsPerSec());
        progress.printf("[%s] consume: %,d records from %s%n", system, options.records(), topic);
        Consumed consumed = consume(system, topic, options.records());
        PhaseResult fixedRate = null;
        if (options.latencyRecords() > 0) {
          progress.printf("[%s] latency: %,d records at %,d records/s to %s%n", system, options.latencyRecords(),
              options.latencyRecordsPerSec(), latencyTopic);
          fixedRate = produce(system, latencyTopic, options.latencyRecords(), options.latencyRecordsPerSec());
        }
        return new WorkloadResult(system, description, produced, consumed.phase(), fixedRate,
            consumed.verification());
      } catch (KafkaException e) {
        throw new BenchException("client error against " + bootstrap + ": " + rootMessage(e), e);
      } finally {
        try {
          admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          progress.printf("[%s] note: could not delete topics %s: %s%n", system, topics, e);
        }
      }
    }
  }

  private void createTopics(Admin admin, List<String> topics) throws BenchException, InterruptedException {
    BenchTopics.create(admin, bootstrap, topics, options.partitions(), options.replicationFactor(), Map.of());
  }

  /**
   * Produces n records to topic. With ratePerSec 0, as fast as the producer goes, and each record's
   * latency counts from just before its send() (so it includes time queued in the producer's buffer).
   * With a rate, record i is due at start + i/rate and its latency counts from that due time, so a
   * stall that delays later sends is charged to them too (no coordinated omission).
   */
  private PhaseResult produce(String system, String topic, long n, long ratePerSec) throws BenchException, InterruptedException {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-producer");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.putAll(options.producerProps());

    LatencyStats latency = new LatencyStats();
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    byte[] filler = new byte[options.recordSizeBytes()];
    new Random(42).nextBytes(filler);
    long start;
    long end;
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
    try {
      producer.partitionsFor(topic); // metadata before the clock starts
      double nanosPerRecord = ratePerSec == 0 ? 0 : 1e9 / ratePerSec;
      start = System.nanoTime();
      long nextProgress = start + PROGRESS_EVERY_NANOS;
      for (long i = 0; i < n; i++) {
        if (firstError.get() != null) {
          break;
        }
        byte[] value = filler.clone();
        ByteBuffer.wrap(value).putLong(0, i);
        long now = System.nanoTime();
        if (nanosPerRecord > 0) {
          long due = start + (long) (i * nanosPerRecord);
          if (due - now > 200_000) {
            TimeUnit.NANOSECONDS.sleep(due - now);
          }
          now = System.nanoTime();
        }
        final long sentAt = nanosPerRecord > 0 ? start + (long) (i * nanosPerRecord) : now;
        producer.send(new ProducerRecord<>(topic, value), (metadata, e) -> {
          if (e != null) {
            firstError.compareAndSet(null, e);
          } else {
            latency.recordNanos(System.nanoTime() - sentAt);
            acked.incrementAndGet();
          }
        });
        if ((i & 1023) == 0 && now > nextProgress) {
          progress.printf("[%s]   %,d sent, %,d acked%n", system, i + 1, acked.get());
          nextProgress = now + PROGRESS_EVERY_NANOS;
        }
      }
      producer.flush();
      end = System.nanoTime();
    } finally {
      producer.close(Duration.ofSeconds(30)); // joins the I/O thread: latency is safe to read after
    }
    if (firstError.get() != null || acked.get() != n) {
      throw new BenchException("produce to " + topic + " on " + bootstrap + " failed: " + acked.get() + " of " + n
          + " records acknowledged; first error: " + (firstError.get() == null ? "none" : rootMessage(firstError.get())),
          firstError.get());
    }
    return new PhaseResult(n, n * options.recordSizeBytes(), end - start, latency);
  }

  private record Consumed(PhaseResult phase, String verification) {}

  private Consumed consume(String system, String topic, long n) throws BenchException {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-consumer");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.putAll(options.consumerProps());

    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<PartitionInfo> infos = new ArrayList<>(consumer.partitionsFor(topic, Duration.ofSeconds(30)));
      infos.sort(Comparator.comparingInt(PartitionInfo::partition));
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo info : infos) {
        tps.add(new TopicPartition(topic, info.partition()));
      }
      int maxPartition = tps.stream().mapToInt(TopicPartition::partition).max().orElse(-1);
      consumer.assign(tps);
      consumer.seekToBeginning(tps);

      OrderCheck check = new OrderCheck(maxPartition + 1, n);
      long bytes = 0;
      long start = System.nanoTime();
      long lastProgressAt = start;
      long nextReport = start + PROGRESS_EVERY_NANOS;
      long stallNanos = TimeUnit.MILLISECONDS.toNanos(options.stallTimeoutMs());
      while (check.received() < n) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        long now = System.nanoTime();
        if (records.isEmpty()) {
          if (now - lastProgressAt > stallNanos) {
            throw new BenchException("consume from " + topic + " on " + bootstrap + " stalled: " + check.received()
                + " of " + n + " records after " + options.stallTimeoutMs() + " ms without a record; positions "
                + positions(consumer, tps));
          }
          continue;
        }
        lastProgressAt = now;
        for (ConsumerRecord<byte[], byte[]> r : records) {
          check.accept(r.partition(), r.offset(), r.value());
          bytes += r.serializedValueSize();
        }
        if (now > nextReport) {
          progress.printf("[%s]   %,d consumed%n", system, check.received());
          nextReport = now + PROGRESS_EVERY_NANOS;
        }
      }
      long end = System.nanoTime();
      // Anything beyond N is a duplicate or a stray record: look briefly, outside the measured time.
      long extra = 0;
      long extraDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
      while (System.nanoTime() < extraDeadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          check.accept(r.partition(), r.offset(), r.value());
          extra++;
        }
      }
      String problems = check.problems(extra);
      if (!problems.isEmpty()) {
        throw new BenchException("verification of " + topic + " on " + bootstrap + " failed: " + problems);
      }
      String verification = String.format("%,d records, each sequence number exactly once, offsets and sequence "
          + "numbers increasing in each of %d partitions", n, tps.size());
      return new Consumed(new PhaseResult(n, bytes, end - start, null), verification);
    }
  }

  private static String positions(KafkaConsumer<?, ?> consumer, Collection<TopicPartition> tps) {
    StringBuilder sb = new StringBuilder("{");
    for (TopicPartition tp : tps) {
      sb.append(tp.partition()).append('=').append(consumer.position(tp, Duration.ofSeconds(5))).append(' ');
    }
    return sb.append('}').toString().replace(" }", "}");
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }

  /**
   * The consumed records' checks: per partition, offsets and sequence numbers strictly increase; over
   * the topic, each sequence number in [0, n) arrives exactly once.
   */
  static final class OrderCheck {
    private final long[] lastOffset;
    private final long[] lastSequence;
    private final BitSet seen;
    private final long expected;
    private long received;
    private long orderViolations;
    private long duplicates;
    private long outOfRange;
    private String firstViolation;

    OrderCheck(int partitions, long expected) {
      this.lastOffset = new long[partitions];
      this.lastSequence = new long[partitions];
      Arrays.fill(lastOffset, -1);
      Arrays.fill(lastSequence, -1);
      this.seen = new BitSet(Math.toIntExact(expected));
      this.expected = expected;
    }

    void accept(int partition, long offset, byte[] value) {
      received++;
      if (partition < 0 || partition >= lastOffset.length || value == null || value.length < 8) {
        outOfRange++;
        note("partition " + partition + " offset " + offset + ": unexpected partition or value shorter than 8 bytes");
        return;
      }
      long seq = ByteBuffer.wrap(value).getLong(0);
      if (offset <= lastOffset[partition] || seq <= lastSequence[partition]) {
        orderViolations++;
        note("partition " + partition + " offset " + offset + " seq " + seq + " after offset " + lastOffset[partition]
            + " seq " + lastSequence[partition]);
      }
      lastOffset[partition] = offset;
      lastSequence[partition] = seq;
      if (seq < 0 || seq >= expected) {
        outOfRange++;
        note("partition " + partition + " offset " + offset + ": sequence " + seq + " outside [0, " + expected + ")");
      } else if (seen.get((int) seq)) {
        duplicates++;
        note("partition " + partition + " offset " + offset + ": sequence " + seq + " seen twice");
      } else {
        seen.set((int) seq);
      }
    }

    long received() {
      return received;
    }

    /** Empty when all is well, else a one-line summary naming the first problem. */
    String problems(long extraRecords) {
      long missing = expected - seen.cardinality();
      if (orderViolations == 0 && duplicates == 0 && outOfRange == 0 && missing == 0 && extraRecords == 0) {
        return "";
      }
      return "received " + received + " (expected " + expected + "), missing " + missing + ", duplicates " + duplicates
          + ", out of order " + orderViolations + ", invalid " + outOfRange + ", beyond the expected count "
          + extraRecords + (firstViolation == null ? "" : "; first: " + firstViolation);
    }

    private void note(String s) {
      if (firstViolation == null) {
        firstViolation = s;
      }
    }
  }

  static final List<String> FLAGS = List.of("help");

  public static void main(String[] argv) throws Exception {
    List<String> opts = new ArrayList<>(WorkloadOptions.OPTIONS);
    opts.addAll(List.of("bootstrap", "label"));
    Args args;
    try {
      args = new Args(argv, FLAGS, opts);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (args.flag("help") || !args.has("bootstrap")) {
      System.err.println("usage: ProduceConsumeBench --bootstrap host:port [--label NAME] [options]\n"
          + WorkloadOptions.usage());
      System.exit(args.flag("help") ? 0 : 2);
    }
    WorkloadOptions options = WorkloadOptions.from(args, (short) 1);
    String label = args.string("label", args.string("bootstrap", ""));
    WorkloadResult result;
    try {
      result = new ProduceConsumeBench(args.string("bootstrap", null), options, System.out)
          .run(label, "external cluster " + args.string("bootstrap", "") + ", RF=" + options.replicationFactor()
              + ", " + options.partitions() + " partitions");
    } catch (BenchException e) {
      System.err.println("benchmark failed: " + e.getMessage());
      System.exit(1);
      return;
    }
    Report.printResult(System.out, options, result);
  }
}
