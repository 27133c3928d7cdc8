package io.tributary.log.broker;

import io.tributary.config.GeneratedSection;
import io.tributary.config.MarkdownTable;
import io.tributary.log.storage.LogConfig;
import java.io.IOException;
import java.util.TreeMap;

/**
 * Renders the broker and topic configuration reference from the typed config classes, so that
 * {@code docs/configuration.md} cannot drift from the code: {@code ConfigDocs docs/configuration.md}
 * rewrites the generated part, and a test fails when it is out of date.
 */
public final class ConfigDocs {
  public static final String BEGIN = GeneratedSection.beginMarker(ConfigDocs.class);
  public static final String END = GeneratedSection.END;
  /** The generated part of the docs file; {@code SECTION.rewrite(text)} is the text as it should be. */
  public static final GeneratedSection SECTION = new GeneratedSection(BEGIN, ConfigDocs::render);

  private ConfigDocs() {}

  public static String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(BEGIN).append("\n\n### Broker (`server.properties`)\n\n");
    sb.append(MarkdownTable.header("key", "default", "what it does"));
    for (BrokerConfig.Key k : BrokerConfig.KEYS) {
      sb.append(row(k.name(), k.defaultValue(), k.doc()));
    }
    sb.append("\nAny topic key below can also be set broker-wide as a default with Kafka's `log.` prefix ")
        .append("(`log.retention.ms`, `log.segment.bytes`, `log.cleanup.policy`, `log.flush.interval.messages`, ")
        .append("`log.roll.ms`, `message.max.bytes`).\n");
    sb.append("\n### Dynamic broker configs (IncrementalAlterConfigs on broker `N`, `kafka-configs --entity-type brokers`)\n\n");
    sb.append(MarkdownTable.header("key", "default", "what it does"));
    for (var k : new TreeMap<>(DynamicBrokerConfigs.KEYS).entrySet()) {
      sb.append(row(k.getKey(), "", k.getValue()));
    }
    sb.append("\n### Topic (CreateTopics configs, `topic alter-config`)\n\n");
    sb.append(MarkdownTable.header("key", "default", "what it does"));
    for (LogConfig.Key k : LogConfig.KEYS.values()) {
      sb.append(row(k.name(), k.defaultValue(), k.doc()));
    }
    sb.append("\n").append(END);
    return sb.toString();
  }

  private static String row(String name, String def, String doc) {
    return MarkdownTable.row(MarkdownTable.code(name), MarkdownTable.code(def == null ? "" : def), MarkdownTable.escape(doc));
  }

  public static void main(String[] args) throws IOException {
    SECTION.rewriteFile(args, "docs/configuration.md");
  }
}
