package io.tributary.connect.cdc;

import io.tributary.registry.serde.KafkaAvroDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The rows that are live in table topics: each topic read from its start up to its end as of now, keeping per
 * key the last value unless a delete or tombstone followed it ({@link SnapshotRedo#apply}).
 */
final class LiveRows {
  /** How long reading one topic to its end may take before the task fails rather than retract too little. */
  static final long READ_TIMEOUT_MS = 300_000;
  static final Duration POLL = Duration.ofMillis(500);

  private LiveRows() {}

  /** The live rows of each of {@code topics} (a topic that does not exist has none). */
  static Map<String, Map<String, SnapshotRedo.Row>> read(Properties consumerProps, List<String> topics,
      KafkaAvroDeserializer keys, KafkaAvroDeserializer values) {
    Properties props = new Properties();
    props.putAll(consumerProps);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Map<String, SnapshotRedo.Row>> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c =
             new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      for (String topic : topics) {
        out.put(topic, read(c, topic, keys, values));
      }
    }
    return out;
  }

  private static Map<String, SnapshotRedo.Row> read(KafkaConsumer<byte[], byte[]> c, String topic,
      KafkaAvroDeserializer keys, KafkaAvroDeserializer values) {
    Map<String, SnapshotRedo.Row> live = new HashMap<>();
    List<PartitionInfo> partitions = c.partitionsFor(topic);
    if (partitions == null || partitions.isEmpty()) {
      return live;
    }
    List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    c.assign(tps);
    c.seekToBeginning(tps);
    Map<TopicPartition, Long> end = c.endOffsets(tps);
    long deadline = System.currentTimeMillis() + READ_TIMEOUT_MS;
    while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("could not read topic " + topic + " to its end " + end + " within "
            + READ_TIMEOUT_MS + " ms");
      }
      for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
          SnapshotRedo.apply(live, (GenericRecord) keys.deserialize(topic, r.key()),
              (GenericRecord) values.deserialize(topic, r.value()));
        }
      }
    }
    c.unsubscribe();
    return live;
  }
}
