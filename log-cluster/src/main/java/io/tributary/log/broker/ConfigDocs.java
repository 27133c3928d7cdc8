package io.tributary.log.broker;

import io.tributary.log.storage.LogConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Renders the broker and topic configuration reference from the typed config classes, so that
 * {@code docs/configuration.md} cannot drift from the code: {@code ConfigDocs docs/configuration.md}
 * rewrites the generated part, and a test fails when it is out of date.
 */
public final class ConfigDocs {
  public static final String BEGIN = "<!-- BEGIN GENERATED: io.tributary.log.broker.ConfigDocs -->";
  public static final String END = "<!-- END GENERATED -->";

  private ConfigDocs() {}

  public static String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(BEGIN).append("\n\n### Broker (`server.properties`)\n\n");
    sb.append("| key | default | what it does |\n|---|---|---|\n");
    for (BrokerConfig.Key k : BrokerConfig.KEYS) {
      sb.append(row(k.name(), k.defaultValue(), k.doc()));
    }
    sb.append("\nAny topic key below can also be set broker-wide as a default with Kafka's `log.` prefix ")
        .append("(`log.retention.ms`, `log.segment.bytes`, `log.cleanup.policy`, `log.flush.interval.messages`, ")
        .append("`log.roll.ms`, `message.max.bytes`).\n");
    sb.append("\n### Topic (CreateTopics configs, `topic alter-config`)\n\n");
    sb.append("| key | default | what it does |\n|---|---|---|\n");
    for (LogConfig.Key k : LogConfig.KEYS.values()) {
      sb.append(row(k.name(), k.defaultValue(), k.doc()));
    }
    sb.append("\n").append(END);
    return sb.toString();
  }

  private static String row(String name, String def, String doc) {
    return "| `" + name + "` | `" + (def == null || def.isEmpty() ? "" : def) + "` | " + doc.replace("|", "\\|") + " |\n";
  }

  /** Replaces the generated part of {@code file} (between the markers) with {@link #render()}. */
  public static String rewrite(String document) {
    int begin = document.indexOf(BEGIN);
    int end = document.indexOf(END);
    if (begin < 0 || end < 0) {
      throw new IllegalArgumentException("the document has no " + BEGIN + " ... " + END + " section");
    }
    return document.substring(0, begin) + render() + document.substring(end + END.length());
  }

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args.length > 0 ? args[0] : "docs/configuration.md");
    Files.writeString(file, rewrite(Files.readString(file)));
  }
}
