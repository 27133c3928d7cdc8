package io.tributary.cli;

import io.tributary.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary registry --config F}: one schema-registry node in the foreground. */
@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description = {
      "Run one schema-registry node in the foreground (SIGTERM or Ctrl-C stops it).",
      "Confluent-compatible REST API; keys in docs/schema-registry.md."
    })
final class RegistryCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "registry.properties")
  Path config;

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(config)) {
      throw new CliException("cannot read registry config " + config, 2);
    }
    RegistryServer.main(new String[] {config.toString()});
    return 0;
  }
}
