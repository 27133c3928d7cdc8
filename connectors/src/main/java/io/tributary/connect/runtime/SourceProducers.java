package io.tributary.connect.runtime;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The producer settings of the source connectors that write to the log cluster. */
public final class SourceProducers {
  private SourceProducers() {}

  /**
   * Settings for pipeline {@code pipelineName}'s producer: {@code defaults}, then the client overrides that are
   * producer settings, then idempotence and acks=all, which no override may switch off (a source's no-loss
   * guarantee rests on them).
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
    return props;
  }
}
