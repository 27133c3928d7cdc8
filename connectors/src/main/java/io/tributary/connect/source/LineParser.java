package io.tributary.connect.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.tributary.connect.Source;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the lines of one file into records (a map of field to value) or into the reason a line is bad. One
 * parser per file: a CSV file's first line (its header, or its first row when there is none) fixes the
 * columns of the rest. Pure: no I/O.
 *
 * <ul>
 *   <li>JSON lines: each line one JSON object; integers become longs, decimals doubles, nested objects and
 *       arrays are kept. Malformed JSON, a non-object, trailing text or a duplicate field is bad.
 *   <li>CSV: values are strings. With a header, its names are the fields; without, {@code col1..colN}. A row
 *       with another number of columns than the header (or the first row) is bad.
 * </ul>
 * Blank lines are not records (both formats) and are skipped.
 */
abstract sealed class LineParser {

  /** What a line is. */
  sealed interface Parsed {}

  /** A record to produce. */
  record Ok(Map<String, Object> record) implements Parsed {}

  /** A line that cannot be a record, and why. */
  record Bad(String reason) implements Parsed {}

  /** A line that is not a record and not an error: a blank line, a CSV header. */
  record NotARecord() implements Parsed {}

  static LineParser forFormat(Source.FileFormat format, boolean csvHeader) {
    return format == Source.FileFormat.JSONL ? new JsonLines() : new Csv(csvHeader);
  }

  /** Classifies {@code line}; lines must be given in file order, starting with the file's first line. */
  final Parsed parse(LineReader.Line line) {
    if (line.tooLong()) {
      return new Bad("the line is longer than the limit of " + line.bytes().length + " bytes");
    }
    if (!line.utf8()) {
      return new Bad("the line is not valid UTF-8");
    }
    if (line.blank()) {
      return new NotARecord();
    }
    return parse(line.text());
  }

  /**
   * Whether {@link #parse} must first see the file's first non-blank line before a line in the middle of the
   * file can be parsed (CSV: it fixes the columns).
   */
  abstract boolean needsFirstLine();

  abstract Parsed parse(String text);

  static final class JsonLines extends LineParser {
    private static final ObjectReader READER = new ObjectMapper()
        .enable(DeserializationFeature.USE_LONG_FOR_INTS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .readerFor(Object.class);

    @Override
    boolean needsFirstLine() {
      return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    Parsed parse(String text) {
      Object value;
      try {
        value = READER.readValue(text);
      } catch (JsonProcessingException e) {
        return new Bad("malformed JSON: " + e.getOriginalMessage());
      } catch (IOException e) {
        return new Bad("malformed JSON: " + e.getMessage());
      }
      if (!(value instanceof Map)) {
        return new Bad("a JSON " + (value == null ? "null" : value instanceof List ? "array"
            : value instanceof String ? "string" : value instanceof Boolean ? "boolean" : "number")
            + " where a JSON object was expected");
      }
      return new Ok(new LinkedHashMap<>((Map<String, Object>) value));
    }
  }

  static final class Csv extends LineParser {
    private final boolean header;
    private List<String> columns;
    private String headerProblem;

    Csv(boolean header) {
      this.header = header;
    }

    @Override
    boolean needsFirstLine() {
      return true;
    }

    @Override
    Parsed parse(String text) {
      List<String> fields;
      try {
        fields = CsvLine.split(text);
      } catch (IllegalArgumentException e) {
        if (columns == null && headerProblem == null) {
          headerProblem = (header ? "the header" : "the first row") + " is malformed CSV (" + e.getMessage() + ")";
          return new Bad("malformed CSV: " + e.getMessage());
        }
        return new Bad("malformed CSV: " + e.getMessage());
      }
      if (headerProblem != null) {
        return new Bad(headerProblem + ": the columns of this row are unknown");
      }
      if (columns == null) {
        if (header) {
          String problem = headerProblem(fields);
          if (problem != null) {
            headerProblem = "the header is invalid (" + problem + ")";
            return new Bad("invalid CSV header: " + problem);
          }
          columns = List.copyOf(fields);
          return new NotARecord();
        }
        columns = new ArrayList<>();
        for (int i = 1; i <= fields.size(); i++) {
          columns.add("col" + i);
        }
      }
      if (fields.size() != columns.size()) {
        return new Bad("expected " + columns.size() + " columns" + (header ? " (as in the header)" : " (as in the first row)")
            + ", got " + fields.size());
      }
      Map<String, Object> record = new LinkedHashMap<>();
      for (int i = 0; i < fields.size(); i++) {
        record.put(columns.get(i), fields.get(i));
      }
      return new Ok(record);
    }

    private static String headerProblem(List<String> names) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i);
        if (n.isBlank()) {
          return "column " + (i + 1) + " has no name";
        }
        if (!seen.add(n)) {
          return "column name '" + n + "' appears twice";
        }
      }
      return null;
    }
  }
}
