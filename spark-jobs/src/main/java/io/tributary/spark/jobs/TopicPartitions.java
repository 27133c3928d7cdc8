package io.tributary.spark.jobs;

import io.tributary.spark.JobException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;

/** The partitions of a topic, asked of the log cluster (Spark needs every partition in JSON offsets). */
final class TopicPartitions {
  private TopicPartitions() {}

  static List<Integer> of(String bootstrapServers, String topic) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"))) {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      return d.partitions().stream().map(p -> p.partition()).sorted().toList();
    } catch (ExecutionException e) {
      throw new JobException("topic '" + topic + "' at " + bootstrapServers + ": " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new JobException("no answer from the log cluster at " + bootstrapServers + " within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobException("interrupted", e);
    }
  }
}
