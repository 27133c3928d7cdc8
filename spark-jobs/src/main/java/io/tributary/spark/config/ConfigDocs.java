package io.tributary.spark.config;

import io.tributary.spark.config.ConfigKeys.Key;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders the job-file key reference from {@link ConfigKeys#KEYS} into docs/spark-jobs.md (between the
 * markers), so the docs cannot drift from the code: {@code ConfigDocs docs/spark-jobs.md} rewrites that part
 * and a test fails when it is out of date.
 */
public final class ConfigDocs {
  public static final String BEGIN = "<!-- BEGIN GENERATED: io.tributary.spark.config.ConfigDocs -->";
  public static final String END = "<!-- END GENERATED -->";

  private ConfigDocs() {}

  public static String render() {
    StringBuilder sb = new StringBuilder().append(BEGIN).append('\n');
    List<String> sections = new ArrayList<>();
    sections.add("");
    sections.addAll(ConfigKeys.SECTIONS);
    for (String section : sections) {
      sb.append("\n### ").append(section.isEmpty() ? "Top level" : "`" + section + "`").append("\n\n");
      sb.append("| key | jobs | type | default | what it does |\n|---|---|---|---|---|\n");
      for (Key k : ConfigKeys.keysOf(section)) {
        sb.append("| `").append(k.name()).append("` | ").append(jobs(k)).append(" | ").append(type(k))
            .append(" | ").append(defaultOf(k)).append(" | ").append(k.doc().replace("|", "\\|")).append(" |\n");
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

  private static String defaultOf(Key k) {
    return switch (k.presence()) {
      case REQUIRED -> "**required**";
      case OPTIONAL -> "(none)";
      case DEFAULT, DERIVED -> "`" + k.defaultValue() + "`";
    };
  }

  /** Replaces the generated part of {@code document} with {@link #render()}. */
  public static String rewrite(String document) {
    int begin = document.indexOf(BEGIN);
    int end = document.indexOf(END);
    if (begin < 0 || end < 0) {
      throw new IllegalArgumentException("the document has no " + BEGIN + " ... " + END + " section");
    }
    return document.substring(0, begin) + render() + document.substring(end + END.length());
  }

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args.length > 0 ? args[0] : "docs/spark-jobs.md");
    Files.writeString(file, rewrite(Files.readString(file)));
  }
}
