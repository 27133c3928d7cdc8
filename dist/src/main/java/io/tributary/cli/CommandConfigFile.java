package io.tributary.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * {@code --command-config FILE}: Kafka client properties (security.protocol, sasl.*, ssl.*, client.id, ...) for
 * the clients a command creates, as Kafka's own tools take them. They go on top of the command line's defaults;
 * {@code --bootstrap} and the options a command sets itself (a consumer's group, a producer's acks) still win.
 */
final class CommandConfigFile {
  private CommandConfigFile() {}

  static Properties load(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new CliException("--command-config: file not found: " + file, 2);
    } catch (IOException e) {
      throw new CliException("--command-config: cannot read " + file + ": " + e.getMessage(), 2);
    }
    return p;
  }
}
