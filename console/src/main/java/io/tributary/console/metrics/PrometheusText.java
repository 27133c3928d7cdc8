package io.tributary.console.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads samples out of Prometheus' text exposition format (0.0.4), as the brokers' {@code /metrics} serve it:
 * {@code name{label="value",...} number [timestamp]}, comments starting with {@code #}. (testkit's parser is for tests;
 * this one reads only the series asked for, so a line it does not need cannot fail a page, and names a broken line.)
 */
public final class PrometheusText {
  private PrometheusText() {}

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** The samples of the series named in {@code names}; other lines are skipped unread. */
  public static List<Sample> samples(String text, Set<String> names) {
    List<Sample> out = new ArrayList<>();
    int lineNumber = 0;
    for (String line : text.split("\n")) {
      lineNumber++;
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int nameEnd = 0;
      while (nameEnd < line.length() && line.charAt(nameEnd) != '{' && !Character.isWhitespace(line.charAt(nameEnd))) {
        nameEnd++;
      }
      String name = line.substring(0, nameEnd);
      if (!names.contains(name)) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      int rest = nameEnd;
      if (rest < line.length() && line.charAt(rest) == '{') {
        rest = labels(line, rest + 1, labels, lineNumber);
      }
      String[] fields = line.substring(rest).strip().split("\\s+");
      try {
        out.add(new Sample(name, labels, Double.parseDouble(fields[0])));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("line " + lineNumber + " of the metrics: '" + fields[0]
            + "' is not a number: " + line);
      }
    }
    return out;
  }

  /** Reads {@code key="value",...}} from {@code from}; returns the index after the closing brace. */
  private static int labels(String line, int from, Map<String, String> labels, int lineNumber) {
    int i = from;
    while (true) {
      while (i < line.length() && (line.charAt(i) == ',' || line.charAt(i) == ' ')) {
        i++;
      }
      if (i < line.length() && line.charAt(i) == '}') {
        return i + 1;
      }
      int eq = line.indexOf('=', i);
      if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
        throw new IllegalArgumentException("line " + lineNumber + " of the metrics has a malformed label: " + line);
      }
      String key = line.substring(i, eq).strip();
      StringBuilder value = new StringBuilder();
      i = eq + 2;
      while (i < line.length() && line.charAt(i) != '"') {
        char c = line.charAt(i);
        if (c == '\\' && i + 1 < line.length()) {
          char next = line.charAt(++i);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
        i++;
      }
      if (i >= line.length()) {
        throw new IllegalArgumentException("line " + lineNumber + " of the metrics has an unclosed label value: " + line);
      }
      labels.put(key, value.toString());
      i++;
    }
  }
}
