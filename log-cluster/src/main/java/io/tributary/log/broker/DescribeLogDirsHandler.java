package io.tributary.log.broker;

import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.storage.PartitionLog;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;

/**
 * DescribeLogDirs (v0-v4, kafka-clients' {@code Admin.describeLogDirs}, {@code kafka-log-dirs.sh --describe}):
 * for each of this broker's {@code log.dirs} its absolute path, an error (KAFKA_STORAGE_ERROR when the dir is
 * offline), the total and usable bytes of its volume (v4) and, for the partitions asked (all when the request
 * names no topics), the size in bytes of each log.
 *
 * <p>The offset lag is Kafka's: {@code max(high watermark - log end offset, 0)} — 0 on a leader, how far a
 * follower's log is behind the high watermark it has learnt from the leader. There are no future (moving)
 * replicas: isFuture is always false. The caller checks DESCRIBE on the cluster.
 */
final class DescribeLogDirsHandler {
  private final List<Path> logDirs;
  private final ReplicaManager replicas;

  DescribeLogDirsHandler(List<Path> logDirs, ReplicaManager replicas) {
    this.logDirs = logDirs.stream().map(d -> d.toAbsolutePath().normalize()).collect(Collectors.toList());
    this.replicas = replicas;
  }

  /** The answer of an unauthorized request: Kafka gives the error and no dirs. */
  static DescribeLogDirsResponseData refused() {
    return new DescribeLogDirsResponseData().setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
  }

  DescribeLogDirsResponseData handle(KafkaRequest request) {
    DescribeLogDirsRequestData data = request.data();
    Map<Path, List<Partition>> hostedByDir = hostedByDir(data);
    DescribeLogDirsResponseData response = new DescribeLogDirsResponseData();
    for (Path dir : logDirs) {
      response.results().add(describe(dir, hostedByDir.getOrDefault(dir, List.of())));
    }
    return response;
  }

  /** The asked partitions this broker hosts, by the log dir holding them. */
  private Map<Path, List<Partition>> hostedByDir(DescribeLogDirsRequestData data) {
    Map<Path, List<Partition>> byDir = new LinkedHashMap<>();
    for (Partition p : replicas.partitions()) {
      if (isAsked(data, p.topicPartition())) {
        Path dir = p.log().dir().toAbsolutePath().normalize().getParent();
        byDir.computeIfAbsent(dir, d -> new ArrayList<>()).add(p);
      }
    }
    return byDir;
  }

  /** A request without topics (null) asks for every partition. */
  private static boolean isAsked(DescribeLogDirsRequestData data, TopicPartition tp) {
    if (data.topics() == null) {
      return true;
    }
    DescribeLogDirsRequestData.DescribableLogDirTopic topic = data.topics().find(tp.topic());
    return topic != null && topic.partitions().contains(tp.partition());
  }

  private static DescribeLogDirsResponseData.DescribeLogDirsResult describe(Path dir, List<Partition> hosted) {
    DescribeLogDirsResponseData.DescribeLogDirsResult result = new DescribeLogDirsResponseData.DescribeLogDirsResult()
        .setLogDir(dir.toString());
    // As Kafka: an offline dir is listed with its error and nothing else.
    if (!Files.isDirectory(dir) || hosted.stream().anyMatch(p -> p.log().isOffline())) {
      return result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
    }
    try {
      FileStore volume = Files.getFileStore(dir);
      result.setTotalBytes(volume.getTotalSpace()).setUsableBytes(volume.getUsableSpace());
    } catch (IOException e) {
      result.setTotalBytes(DescribeLogDirsResponse.UNKNOWN_VOLUME_BYTES).setUsableBytes(DescribeLogDirsResponse.UNKNOWN_VOLUME_BYTES);
    }
    Map<String, List<Partition>> byTopic = new TreeMap<>();
    for (Partition p : hosted) {
      byTopic.computeIfAbsent(p.topicPartition().topic(), t -> new ArrayList<>()).add(p);
    }
    for (Map.Entry<String, List<Partition>> topic : byTopic.entrySet()) {
      DescribeLogDirsResponseData.DescribeLogDirsTopic out = new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName(topic.getKey());
      topic.getValue().stream().sorted(Comparator.comparingInt(p -> p.topicPartition().partition())).forEach(p -> {
        PartitionLog log = p.log();
        out.partitions().add(new DescribeLogDirsResponseData.DescribeLogDirsPartition()
            .setPartitionIndex(p.topicPartition().partition())
            .setPartitionSize(log.size())
            .setOffsetLag(Math.max(p.highWatermark() - log.logEndOffset(), 0))
            .setIsFutureKey(false));
      });
      result.topics().add(out);
    }
    return result;
  }
}
