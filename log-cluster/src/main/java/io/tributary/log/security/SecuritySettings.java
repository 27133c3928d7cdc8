package io.tributary.log.security;

import java.util.Locale;
import java.util.Map;

/**
 * The security settings of one listener, looked up as Kafka's broker does: a key prefixed with
 * {@code listener.name.<listener lowercased>.} wins over the unprefixed key; SASL's JAAS config may also be
 * given per mechanism ({@code listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config}).
 */
public record SecuritySettings(String listenerName, Map<String, String> values) {

  public SecuritySettings {
    values = Map.copyOf(values);
  }

  public static String listenerPrefix(String listenerName) {
    return "listener.name." + listenerName.toLowerCase(Locale.ROOT) + ".";
  }

  /** The value of {@code key} for this listener, or {@code fallback} when neither form is set (or it is blank). */
  public String get(String key, String fallback) {
    String prefixed = values.get(listenerPrefix(listenerName) + key);
    if (prefixed != null && !prefixed.isBlank()) {
      return prefixed.trim();
    }
    String plain = values.get(key);
    return plain != null && !plain.isBlank() ? plain.trim() : fallback;
  }

  public String get(String key) {
    return get(key, null);
  }

  /** {@code sasl.jaas.config} for {@code mechanism}: the per-mechanism listener key, then the listener key, then the plain key. */
  public String jaasConfig(String mechanism) {
    String perMechanism = values.get(listenerPrefix(listenerName) + mechanism.toLowerCase(Locale.ROOT) + ".sasl.jaas.config");
    return perMechanism != null && !perMechanism.isBlank() ? perMechanism.trim() : get("sasl.jaas.config");
  }
}
