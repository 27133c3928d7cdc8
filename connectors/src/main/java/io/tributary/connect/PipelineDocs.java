package io.tributary.connect;

import io.tributary.config.GeneratedSection;
import io.tributary.config.MarkdownTable;
import io.tributary.connect.PipelineKeys.Key;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the pipeline key reference from {@link PipelineKeys#KEYS}, so that {@code docs/connectors.md}
 * cannot drift from the code: {@code PipelineDocs docs/connectors.md} rewrites the generated part, and a
 * test fails when it is out of date.
 */
public final class PipelineDocs {
  public static final String BEGIN = GeneratedSection.beginMarker(PipelineDocs.class);
  public static final String END = GeneratedSection.END;
  /** The generated part of the docs file; {@code SECTION.rewrite(text)} is the text as it should be. */
  public static final GeneratedSection SECTION = new GeneratedSection(BEGIN, PipelineDocs::render);

  private PipelineDocs() {}

  public static String render() {
    Map<String, List<Key>> groups = new LinkedHashMap<>();
    for (Key k : PipelineKeys.KEYS) {
      groups.computeIfAbsent(k.section() + "\u0000" + k.variant(), g -> new ArrayList<>()).add(k);
    }
    StringBuilder sb = new StringBuilder().append(BEGIN).append('\n');
    for (List<Key> keys : groups.values()) {
      Key first = keys.get(0);
      sb.append("\n### ").append(heading(first.section(), first.variant())).append("\n\n");
      sb.append(MarkdownTable.header("key", "type", "default", "what it does"));
      for (Key k : keys) {
        sb.append(MarkdownTable.row(MarkdownTable.code(k.name()), type(k), k.defaultCell(), k.docCell()));
      }
    }
    return sb.append('\n').append(END).toString();
  }

  private static String heading(String section, String variant) {
    if (section.isEmpty()) {
      return "Top level";
    }
    String s = section.equals(PipelineKeys.TRANSFORMS) ? "`transforms` items" : "`" + section + "`";
    return variant.isEmpty() ? s + (section.equals(PipelineKeys.SCHEMA) || section.equals(PipelineKeys.ERRORS)
        || section.equals(PipelineKeys.SECURITY) ? "" : ", every type")
        : s + " with `type: " + variant + "`";
  }

  private static String type(Key k) {
    return switch (k.type()) {
      case STRING -> "string";
      case NAME -> "name";
      case TABLE_NAME -> "table name";
      case FIELDS -> "field(s)";
      case FIELD_LIST -> "list of fields";
      case INTEGER -> k.min() == Long.MIN_VALUE ? "integer" : "integer ≥ " + k.min();
      case BOOLEAN -> "true \\| false";
      case CHOICE -> String.join(" \\| ", k.choices());
      case HADOOP_URI -> "URI (file://, hdfs://)";
      case PATH_OR_URI -> "URI or local path";
      case HTTP_URL -> "URL";
      case SERVERS -> "host:port list";
      case SCALAR -> "string, number or boolean";
      case SECTION -> "mapping";
      case LIST -> "list";
    };
  }

  public static void main(String[] args) throws IOException {
    SECTION.rewriteFile(args, "docs/connectors.md");
  }
}
