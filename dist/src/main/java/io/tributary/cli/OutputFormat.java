package io.tributary.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code --format text|json} of the listing commands: a table for people, JSON for scripts (jq). */
final class OutputFormat {
  enum Format { text, json }

  @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
      description = "Output as a text table (default) or as JSON.")
  Format format = Format.text;

  boolean json() {
    return format == Format.json;
  }

  /** The table as text, or as a JSON array. */
  void print(Table table, PrintWriter out) {
    if (json()) {
      print(table.toJson(), out);
    } else {
      table.print(out, "");
    }
  }

  static void print(JsonNode json, PrintWriter out) {
    try {
      out.println(Table.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
    out.flush();
  }
}
