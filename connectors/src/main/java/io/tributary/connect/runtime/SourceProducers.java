package io.tributary.connect.runtime;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The producer settings of the source connectors that write to the log cluster. */
public final class SourceProducers {
  private SourceProducers() {}

  /**
   * The transactional id of pipeline {@code pipelineName}'s producer: one per pipeline, so that a task that takes a
   * pipeline over (after a restart or on another worker) fences the one before it.
   */
  public static String transactionalId(String pipelineName) {
    return "connect-" + pipelineName;
  }

  /**
   * Settings for pipeline {@code pipelineName}'s producer: {@code defaults}, then the client overrides that are
   * producer settings, then idempotence, acks=all and the pipeline's transactional id, which no override may
   * change (a source's exactly-once guarantee rests on them): the producer must {@code initTransactions()}.
   */
  public static Properties properties(String bootstrapServers, String pipelineName, Map<String, Object> defaults,
      Map<String, Object> clientOverrides) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "connect-" + pipelineName);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    props.putAll(defaults);
    clientOverrides.forEach((k, v) -> {
      if (ProducerConfig.configNames().contains(k)) {
        props.put(k, v);
      }
    });
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(pipelineName));
    return props;
  }
}
