package io.tributary.connect.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The positions of files sources, kept in the log cluster in the compacted topic {@value #TOPIC} (one
 * partition, so that one checkpoint's records stay in order). Per pipeline:
 *
 * <ul>
 *   <li>key {@code files/<pipeline>/file/<name>}: the {@link FileProgress} of one file (a tombstone when the
 *       file left the directory);
 *   <li>key {@code files/<pipeline>}: the end offsets of the pipeline's output partitions when the checkpoint
 *       was taken. Every record the pipeline produced that the file records do not account for lies at or
 *       after these offsets, which is where a restarted source starts looking.
 * </ul>
 * A checkpoint writes the file records first and the offsets record last, after the data they describe
 * was acknowledged; a crash in between leaves older offsets, which only makes the next scan longer.
 */
final class SourceOffsets {
  /** The compacted topic holding every files source's positions. */
  static final String TOPIC = "_tributary-connect-offsets";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_MS = 120_000;

  /** What the topic says about one pipeline. */
  record Checkpoint(Map<String, FileProgress> files, Map<TopicPartition, Long> endOffsets) {
    boolean empty() {
      return files.isEmpty() && endOffsets.isEmpty();
    }
  }

  private final String pipeline;

  SourceOffsets(String pipeline) {
    this.pipeline = pipeline;
  }

  /** Creates the topic (compacted, one partition, up to three replicas) unless it exists. */
  static void ensureTopic(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
    if (admin.listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).contains(TOPIC)) {
      return;
    }
    int brokers = admin.describeCluster().nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
    try {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) Math.min(3, Math.max(1, brokers)))
          .configs(Map.of("cleanup.policy", "compact")))).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  String pipelineKey() {
    return "files/" + pipeline;
  }

  String fileKey(String file) {
    return pipelineKey() + "/file/" + file;
  }

  /** Reads the whole topic with {@code c} (assigned to it for the time) and keeps this pipeline's latest values. */
  Checkpoint load(KafkaConsumer<byte[], byte[]> c) {
    String filePrefix = pipelineKey() + "/file/";
    Map<String, FileProgress> files = new HashMap<>();
    Map<TopicPartition, Long> offsets = new HashMap<>();
    TopicPartition tp = new TopicPartition(TOPIC, 0);
    {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + TIMEOUT_MS;
      while (c.position(tp) < end) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("could not read " + TOPIC + " to offset " + end + " within "
              + TIMEOUT_MS + " ms (at " + c.position(tp) + ")");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.key() == null) {
            continue;
          }
          String key = new String(r.key(), StandardCharsets.UTF_8);
          if (key.startsWith(filePrefix)) {
            String file = key.substring(filePrefix.length());
            if (r.value() == null) {
              files.remove(file);
            } else {
              files.put(file, decodeProgress(r.value(), r.offset()));
            }
          } else if (key.equals(pipelineKey()) && r.value() != null) {
            offsets = decodeOffsets(r.value(), r.offset());
          }
        }
      }
    }
    return new Checkpoint(files, offsets);
  }

  /**
   * Writes a checkpoint and waits for the acknowledgements: {@code files} (null values are tombstones), then
   * {@code endOffsets}. The caller has flushed the data these positions describe.
   */
  void write(Producer<byte[], byte[]> producer, Map<String, FileProgress> files, Map<TopicPartition, Long> endOffsets)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (Map.Entry<String, FileProgress> e : files.entrySet()) {
      sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, utf8(fileKey(e.getKey())),
          e.getValue() == null ? null : encode(e.getValue()))));
    }
    sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, utf8(pipelineKey()), encode(endOffsets))));
    for (Future<RecordMetadata> f : sent) {
      f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] encode(FileProgress p) {
    ObjectNode n = JSON.createObjectNode();
    n.put("nextByte", p.nextByte());
    n.put("nextLine", p.nextLine());
    n.put("goodThrough", p.goodThrough());
    n.put("badThrough", p.badThrough());
    return utf8(n.toString());
  }

  static byte[] encode(Map<TopicPartition, Long> offsets) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode topics = root.putObject("endOffsets");
    for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
      ObjectNode t = topics.has(e.getKey().topic()) ? (ObjectNode) topics.get(e.getKey().topic())
          : topics.putObject(e.getKey().topic());
      t.put(Integer.toString(e.getKey().partition()), e.getValue());
    }
    return utf8(root.toString());
  }

  private static FileProgress decodeProgress(byte[] value, long offset) {
    try {
      JsonNode n = JSON.readTree(value);
      return new FileProgress(n.get("nextByte").asLong(), n.get("nextLine").asLong(), n.get("goodThrough").asLong(),
          n.get("badThrough").asLong());
    } catch (Exception e) {
      throw new IllegalStateException(TOPIC + " offset " + offset + ": unreadable file position: " + e.getMessage(), e);
    }
  }

  private static Map<TopicPartition, Long> decodeOffsets(byte[] value, long offset) {
    try {
      Map<TopicPartition, Long> out = new HashMap<>();
      JsonNode topics = JSON.readTree(value).get("endOffsets");
      topics.fields().forEachRemaining(t -> t.getValue().fields().forEachRemaining(p ->
          out.put(new TopicPartition(t.getKey(), Integer.parseInt(p.getKey())), p.getValue().asLong())));
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(TOPIC + " offset " + offset + ": unreadable end offsets: " + e.getMessage(), e);
    }
  }

  /** The partitions of {@code tps} that belong to one of {@code topics}. */
  static List<TopicPartition> of(Collection<TopicPartition> tps, Collection<String> topics) {
    return tps.stream().filter(tp -> topics.contains(tp.topic())).toList();
  }
}
