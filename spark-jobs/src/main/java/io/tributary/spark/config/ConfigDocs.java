package io.tributary.spark.config;

import io.tributary.config.GeneratedSection;
import io.tributary.config.MarkdownTable;
import io.tributary.spark.config.ConfigKeys.Key;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders the job-file key reference from {@link ConfigKeys#KEYS} into docs/spark-jobs.md (between the
 * markers), so the docs cannot drift from the code: {@code ConfigDocs docs/spark-jobs.md} rewrites that part
 * and a test fails when it is out of date.
 */
public final class ConfigDocs {
  public static final String BEGIN = GeneratedSection.beginMarker(ConfigDocs.class);
  public static final String END = GeneratedSection.END;
  /** The generated part of the docs file; {@code SECTION.rewrite(text)} is the text as it should be. */
  public static final GeneratedSection SECTION = new GeneratedSection(BEGIN, ConfigDocs::render);

  private ConfigDocs() {}

  public static String render() {
    StringBuilder sb = new StringBuilder().append(BEGIN).append('\n');
    List<String> sections = new ArrayList<>();
    sections.add("");
    sections.addAll(ConfigKeys.SECTIONS);
    for (String section : sections) {
      sb.append("\n### ").append(section.isEmpty() ? "Top level" : "`" + section + "`").append("\n\n");
      sb.append(MarkdownTable.header("key", "jobs", "type", "default", "what it does"));
      for (Key k : ConfigKeys.keysOf(section)) {
        sb.append(MarkdownTable.row(MarkdownTable.code(k.name()), jobs(k), type(k), k.defaultCell(), k.docCell()));
      }
    }
    return sb.append('\n').append(END).toString();
  }

  private static String jobs(Key k) {
    if (k.jobs().equals(ConfigKeys.ALL)) {
      return "all";
    }
    return k.jobs().stream().map(JobKind::jobName).collect(Collectors.joining(", "));
  }

  private static String type(Key k) {
    return switch (k.type()) {
      case STRING -> "string";
      case NAME -> "name";
      case TABLE_NAME -> "table name";
      case FIELDS -> "field(s)";
      case INTEGER -> "integer ≥ " + k.min();
      case BOOLEAN -> "true \\| false";
      case CHOICE -> String.join(" \\| ", k.choices());
      case PATH_OR_URI -> "URI or local path";
      case HTTP_URL -> "URL(s)";
      case SERVERS -> "host:port list";
      case OFFSETS -> "offsets";
      case TIMESTAMP -> "timestamp";
      case DURATION -> "duration";
      case VERSION -> "latest \\| number";
      case MAP -> "mapping";
      case SECTION -> "section";
    };
  }

  public static void main(String[] args) throws IOException {
    SECTION.rewriteFile(args, "docs/spark-jobs.md");
  }
}
