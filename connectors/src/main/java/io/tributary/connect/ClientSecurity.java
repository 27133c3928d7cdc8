package io.tributary.connect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code security} section of a pipeline: Kafka client keys ({@code security.protocol}, {@code sasl.*},
 * {@code ssl.*}) applied to every Kafka client the pipeline creates, and Confluent's registry client keys
 * ({@code basic.auth.*}, {@code schema.registry.ssl.*}) applied to every registry client and serde. Paths are
 * absolute (the loader resolves them against the pipeline file's directory). {@link #toString()} never shows
 * a password or a JAAS configuration.
 */
public record ClientSecurity(Map<String, String> kafka, Map<String, String> registry) {
  /** No security keys: plaintext clients, anonymous registry calls. */
  public static final ClientSecurity NONE = new ClientSecurity(Map.of(), Map.of());

  public ClientSecurity {
    kafka = Map.copyOf(kafka);
    registry = Map.copyOf(registry);
  }

  /** Whether {@code key} belongs to the registry clients rather than the Kafka clients. */
  public static boolean isRegistryKey(String key) {
    return key.startsWith("basic.auth.") || key.startsWith("schema.registry.");
  }

  /** The Kafka security keys, then {@code overrides} (tests' timeouts and client ids) on top. */
  public Map<String, Object> kafkaWith(Map<String, Object> overrides) {
    Map<String, Object> out = new LinkedHashMap<>(kafka);
    out.putAll(overrides);
    return out;
  }

  /** Serde settings: {@code schema.registry.url} and the registry security keys. */
  public Map<String, Object> serdeConfigs(String registryUrl) {
    Map<String, Object> out = new LinkedHashMap<>(registry);
    out.put("schema.registry.url", registryUrl);
    return out;
  }

  @Override
  public String toString() {
    return "ClientSecurity[kafka keys " + kafka.keySet() + ", registry keys " + registry.keySet() + "]";
  }
}
