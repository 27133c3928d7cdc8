package io.tributary.connect;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;

/** Checks a {@code sasl.jaas.config} line as Kafka's clients read it, and that its login module fits the mechanism. */
final class JaasLine {
  private JaasLine() {}

  /** What is wrong with {@code jaas} for {@code mechanism}, or null if nothing. */
  static String problem(String jaas, String mechanism) {
    List<AppConfigurationEntry> entries;
    try {
      entries = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas))).configurationEntries();
    } catch (IllegalArgumentException e) {
      return "not a JAAS configuration Kafka can read (LoginModuleClass required key=\"value\" ...;): " + e.getMessage();
    }
    if (entries.size() != 1) {
      return "must name exactly one login module";
    }
    String module = entries.get(0).getLoginModuleName();
    if (mechanism == null) {
      return null;
    }
    boolean scram = mechanism.toUpperCase(Locale.ROOT).startsWith("SCRAM-");
    String expected = scram ? "org.apache.kafka.common.security.scram.ScramLoginModule"
        : "org.apache.kafka.common.security.plain.PlainLoginModule";
    if (!module.equals(expected)) {
      return "sasl.mechanism " + mechanism + " needs " + expected + ", not " + module;
    }
    var options = entries.get(0).getOptions();
    if (!options.containsKey("username") || !options.containsKey("password")) {
      return "needs username=\"...\" and password=\"...\"";
    }
    return null;
  }
}
