package io.tributary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.registry.serde.RegistryClient;
import java.io.IOException;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --registry URL}: the schema registry a command talks to, and its calls with errors a user can read. */
final class RegistryOption {
  static final String DEFAULT_URL = "http://127.0.0.1:8081";

  @Option(names = {"-r", "--registry"}, paramLabel = "URL",
      defaultValue = "${env:TRIBUTARY_SCHEMA_REGISTRY:-" + DEFAULT_URL + "}",
      description = "Schema registry URL(s), comma-separated (default: ${DEFAULT-VALUE}, or $TRIBUTARY_SCHEMA_REGISTRY).")
  String url;

  RegistryClient client() {
    return new RegistryClient(url, Duration.ofSeconds(10));
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
