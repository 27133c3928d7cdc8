package io.tributary.testkit;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * An idempotent acks=all producer with the client's defaults, writing numbered records round-robin over a
 * topic's partitions at about 1,000 records/s on its own thread, and remembering when and where each was
 * acknowledged; at the end every acknowledged record is looked for at its acknowledged offset.
 */
public final class AckedStream implements AutoCloseable {
  /** The stream's records, counted once it stopped. */
  public record Outcome(long acknowledged, long failedSends, long lost, long duplicated) {}

  private final String bootstrap;
  private final String topic;
  private final int partitions;
  private final Map<Long, long[]> acked = new ConcurrentHashMap<>(); // sequence -> {partition, offset}
  private final ConcurrentLinkedQueue<long[]> ackTimes = new ConcurrentLinkedQueue<>(); // {partition, ms}
  private final AtomicLong failed = new AtomicLong();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread producerThread;

  public AckedStream(String bootstrap, String topic, int partitions) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.partitions = partitions;
    this.producerThread = new Thread(this::produce, "acked-stream-" + topic);
    producerThread.start();
  }

  public long acknowledged() {
    return acked.size();
  }

  private void produce() {
    Properties p = TestClients.producerProps(bootstrap);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      long seq = 0;
      while (!stop.get()) {
        long s = seq++;
        producer.send(new ProducerRecord<>(topic, (int) (s % partitions), null, ByteBuffer.allocate(100).putLong(s).array()),
            (md, e) -> {
              if (e == null) {
                acked.put(s, new long[] {md.partition(), md.offset()});
                ackTimes.add(new long[] {md.partition(), System.currentTimeMillis()});
              } else {
                failed.incrementAndGet();
              }
            });
        Thread.sleep(1); // about 1,000 records/s: the failover, not the load, is under test
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The first acknowledgement of {@code partition} at or after {@code fromMs}, or -1. */
  public long firstAckAfter(int partition, long fromMs) {
    long first = Long.MAX_VALUE;
    for (long[] a : ackTimes) {
      if (a[0] == partition && a[1] >= fromMs) {
        first = Math.min(first, a[1]);
      }
    }
    return first == Long.MAX_VALUE ? -1 : first;
  }

  /**
   * The longest time without an acknowledgement of one of {@code gapPartitions}, from its last one before
   * {@code fromMs} to its first one at or after {@code toMs}.
   */
  public long longestGapMs(List<Integer> gapPartitions, long fromMs, long toMs) {
    long longest = 0;
    for (int p : gapPartitions) {
      long previous = -1;
      for (long[] a : ackTimes) {
        if (a[0] == p && a[1] < fromMs) {
          previous = Math.max(previous, a[1]);
        }
      }
      long[] after = ackTimes.stream().filter(a -> a[0] == p && a[1] >= fromMs).mapToLong(a -> a[1]).sorted().toArray();
      for (long t : after) {
        if (previous >= 0) {
          longest = Math.max(longest, t - previous);
        }
        previous = t;
        if (t >= toMs) {
          break;
        }
      }
    }
    return longest;
  }

  /** Stops producing (all sent records settled) and reads the topic back. */
  public Outcome stopAndVerify() throws InterruptedException {
    stop.set(true);
    producerThread.join(180_000);
    if (producerThread.isAlive()) {
      throw new AssertionError("the producer did not stop within 180 s");
    }
    Map<Long, long[]> found = new HashMap<>();
    long duplicated = 0;
    for (ConsumerRecord<byte[], byte[]> r : TestClients.readAll(bootstrap, topic, partitions, 120_000)) {
      if (found.put(ByteBuffer.wrap(r.value()).getLong(), new long[] {r.partition(), r.offset()}) != null) {
        duplicated++;
      }
    }
    long lost = 0;
    for (Map.Entry<Long, long[]> e : acked.entrySet()) {
      long[] at = found.get(e.getKey());
      if (at == null || at[0] != e.getValue()[0] || at[1] != e.getValue()[1]) {
        lost++;
      }
    }
    return new Outcome(acked.size(), failed.get(), lost, duplicated);
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    producerThread.join(180_000);
  }
}
