package io.tributary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.registry.serde.RegistryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --registry URL}: the schema registry a command talks to, and its calls with errors a user can read.
 * The registry client's keys (Confluent's {@code basic.auth.credentials.source}, {@code basic.auth.user.info},
 * {@code schema.registry.ssl.truststore.*}) come from the command's {@code --command-config} file, the same
 * file that holds its Kafka client keys.
 */
final class RegistryOption {
  /** The command this option is mixed into: its {@code --command-config}, if it has one. */
  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  static final String DEFAULT_URL = "http://127.0.0.1:8081";

  @Option(names = {"-r", "--registry"}, paramLabel = "URL",
      defaultValue = "${env:TRIBUTARY_SCHEMA_REGISTRY:-" + DEFAULT_URL + "}",
      description = "Schema registry URL(s), comma-separated (default: ${DEFAULT-VALUE}, or $TRIBUTARY_SCHEMA_REGISTRY).")
  String url;

  RegistryClient client() {
    try {
      return new RegistryClient(url, Duration.ofSeconds(10), clientKeys());
    } catch (IllegalArgumentException e) {
      throw new CliException("--command-config: " + e.getMessage(), 2);
    }
  }

  /** The properties of the command's {@code --command-config} file (none without one). */
  Map<String, Object> clientKeys() {
    OptionSpec option = mixee == null ? null : mixee.findOption("--command-config");
    Path file = option == null ? null : option.getValue();
    Map<String, Object> out = new HashMap<>();
    if (file != null) {
      Properties p = CommandConfigFile.load(file);
      p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    }
    return out;
  }

  /** A REST call; registry errors keep the registry's message, an unreachable registry says where it looked. */
  JsonNode call(String method, String path, JsonNode body) {
    try {
      return client().call(method, path, body);
    } catch (RegistryClient.RegistryClientException e) {
      throw new CliException("schema registry: " + e.getMessage());
    } catch (IOException e) {
      throw new CliException("no schema registry answered at " + url
          + ": is it running? try ./tributary local start (or pass --registry URL)");
    }
  }
}
