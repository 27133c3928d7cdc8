package io.tributary.log.security;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;

/**
 * The options of a {@code sasl.jaas.config} value ({@code org.apache.kafka...PlainLoginModule required
 * username="admin" password="..." user_alice="...";}), parsed by kafka-clients' own JAAS parser.
 */
public final class JaasOptions {
  private static final String USER_PREFIX = "user_";

  private final Map<String, ?> options;

  private JaasOptions(Map<String, ?> options) {
    this.options = options;
  }

  public static JaasOptions parse(String jaasConfig) {
    List<AppConfigurationEntry> entries =
        JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaasConfig))).configurationEntries();
    return new JaasOptions(entries.get(0).getOptions());
  }

  public String option(String name) {
    Object value = options.get(name);
    return value == null ? null : value.toString();
  }

  /** PlainLoginModule's users: each {@code user_NAME="password"} option. */
  public Map<String, String> plainUsers() {
    Map<String, String> users = new TreeMap<>();
    options.forEach((key, value) -> {
      if (key.startsWith(USER_PREFIX)) {
        users.put(key.substring(USER_PREFIX.length()), String.valueOf(value));
      }
    });
    return users;
  }
}
