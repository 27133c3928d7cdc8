package io.tributary.console.kafka;

import io.tributary.console.BadInput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Reads messages of a topic for the browser: from an offset, from a time, the newest or the oldest, one
 * partition or all, decoded by {@link ValueDecoder}. Reads stop at the end of the log or at the limit.
 */
public final class MessageBrowser {
  /** Most messages shown at once. */
  public static final int MAX_LIMIT = 200;
  /** How long a read waits for records that are not there yet before showing what it has. */
  private static final Duration READ_BUDGET = Duration.ofSeconds(4);

  /** Where to start reading. */
  public enum From { newest, oldest, offset, time }

  /** One header; the value shown as text when it is UTF-8. */
  public record HeaderView(String key, String value) {}

  public record Message(int partition, long offset, String timestamp, String key, String valueFormat, String value,
      List<HeaderView> headers) {
    /** A header's value, empty when absent (the last one when repeated, as Kafka Connect reads them). */
    public Optional<String> header(String name) {
      String found = null;
      for (HeaderView h : headers) {
        if (h.key().equals(name)) {
          found = h.value();
        }
      }
      return Optional.ofNullable(found);
    }
  }

  /** A raw record kept with its view, for replaying dead letters. */
  public record Read(List<Message> messages, List<ConsumerRecord<byte[], byte[]>> records) {}

  private final KafkaClients kafka;
  private final ValueDecoder decoder;

  public MessageBrowser(KafkaClients kafka, ValueDecoder decoder) {
    this.kafka = kafka;
    this.decoder = decoder;
  }

  /**
   * Up to {@code limit} messages of {@code topic}; {@code partition} empty for all. {@code position} is the
   * offset for {@link From#offset}, epoch milliseconds for {@link From#time}, unused otherwise.
   */
  public Read read(String topic, Optional<Integer> partition, From from, long position, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new BadInput("the number of messages must be 1.." + MAX_LIMIT + ", got " + limit);
    }
    try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer()) {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(topic, Duration.ofMillis(KafkaClients.REQUEST_TIMEOUT_MS));
      } catch (TimeoutException e) {
        throw kafka.down(e);
      }
      if (infos == null || infos.isEmpty()) {
        throw new BadInput("no topic '" + topic + "'");
      }
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo p : infos) {
        if (partition.isEmpty() || partition.get() == p.partition()) {
          tps.add(new TopicPartition(topic, p.partition()));
        }
      }
      if (tps.isEmpty()) {
        throw new BadInput("topic '" + topic + "' has no partition " + partition.get());
      }
      consumer.assign(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
      seek(consumer, tps, from, position, limit, begin, end);
      Map<TopicPartition, Long> stop = new HashMap<>(end);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + READ_BUDGET.toNanos();
      while (System.nanoTime() < deadline && records.size() < limit * tps.size() && !reachedEnd(consumer, tps, stop)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < stop.get(new TopicPartition(r.topic(), r.partition()))) {
            records.add(r);
          }
        }
      }
      // all partitions: the newest/oldest `limit` over the topic, by time
      records.sort(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp())
          .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset));
      if (records.size() > limit) {
        records = from == From.newest ? records.subList(records.size() - limit, records.size())
            : records.subList(0, limit);
      }
      return new Read(records.stream().map(this::view).toList(), List.copyOf(records));
    }
  }

  private static void seek(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> tps, From from, long position,
      int limit, Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end) {
    switch (from) {
      case oldest -> consumer.seekToBeginning(tps);
      case newest -> tps.forEach(tp -> consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - limit)));
      case offset -> tps.forEach(tp -> consumer.seek(tp, Math.min(Math.max(position, begin.get(tp)), end.get(tp))));
      case time -> {
        Map<TopicPartition, Long> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, position));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        tps.forEach(tp -> consumer.seek(tp, found.get(tp) == null ? end.get(tp) : found.get(tp).offset()));
      }
    }
  }

  private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> tps,
      Map<TopicPartition, Long> stop) {
    return tps.stream().allMatch(tp -> consumer.position(tp) >= stop.get(tp));
  }

  private Message view(ConsumerRecord<byte[], byte[]> r) {
    ValueDecoder.Decoded value = decoder.decode(r.value());
    String key = r.key() == null ? "null" : Optional.ofNullable(ValueDecoder.utf8(r.key()))
        .orElseGet(() -> decoder.decode(r.key()).text());
    List<HeaderView> headers = new ArrayList<>();
    for (Header h : r.headers()) {
      String v = h.value() == null ? "null" : Optional.ofNullable(ValueDecoder.utf8(h.value()))
          .orElseGet(() -> decoder.decode(h.value()).text());
      headers.add(new HeaderView(h.key(), v));
    }
    return new Message(r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()).toString(), key, value.format(),
        value.text(), headers);
  }

  /** Produces one message; returns "partition@offset". {@code value} null for a tombstone. */
  public String produce(String topic, Optional<Integer> partition, String key, byte[] value,
      List<HeaderView> headers) {
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition.orElse(null),
        key == null || key.isEmpty() ? null : key.getBytes(StandardCharsets.UTF_8), value);
    headers.forEach(h -> record.headers().add(h.key(), h.value().getBytes(StandardCharsets.UTF_8)));
    return send(List.of(record)).get(0);
  }

  /** Produces {@code records} in order (idempotent, acks=all); returns each one's "partition@offset". */
  public List<String> send(List<ProducerRecord<byte[], byte[]>> records) {
    List<String> out = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> r : records) {
        sent.add(producer.send(r));
      }
      for (Future<RecordMetadata> f : sent) {
        RecordMetadata md = f.get(); // bounded by the producer's delivery.timeout.ms
        out.add(md.partition() + "@" + md.offset());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while producing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) {
        throw kafka.down(e.getCause());
      }
      throw new KafkaClients.KafkaError("cannot produce: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) { // max.block.ms: no metadata from the cluster
      throw kafka.down(e);
    }
    return out;
  }
}
