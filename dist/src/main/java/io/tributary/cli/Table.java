package io.tributary.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A listing: as plain text, columns padded to the widest cell under a header row in capitals; or as JSON, an
 * array of objects keyed by the header in lower case ({@code LOG-END} → {@code log_end}), numbers as numbers.
 */
final class Table {
  static final ObjectMapper JSON = new ObjectMapper();

  private final String[] header;
  private final List<Object[]> rows = new ArrayList<>();

  Table(String... header) {
    this.header = header;
  }

  Table row(Object... cells) {
    if (cells.length != header.length) {
      throw new IllegalArgumentException("expected " + header.length + " cells, got " + cells.length);
    }
    rows.add(cells.clone());
    return this;
  }

  int size() {
    return rows.size();
  }

  void print(PrintWriter out, String indent) {
    List<String[]> text = new ArrayList<>();
    text.add(header);
    for (Object[] r : rows) {
      String[] t = new String[r.length];
      for (int i = 0; i < r.length; i++) {
        t[i] = String.valueOf(r[i]);
      }
      text.add(t);
    }
    int[] width = new int[header.length];
    for (String[] r : text) {
      for (int i = 0; i < header.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : text) {
      StringBuilder sb = new StringBuilder(indent);
      for (int i = 0; i < header.length; i++) {
        sb.append(r[i]);
        if (i < header.length - 1) {
          sb.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.println(sb.toString().stripTrailing());
    }
    out.flush();
  }

  /** The rows as JSON objects; "-" (no value in the text form) becomes null. */
  ArrayNode toJson() {
    ArrayNode array = JSON.createArrayNode();
    for (Object[] r : rows) {
      ObjectNode o = array.addObject();
      for (int i = 0; i < header.length; i++) {
        String key = jsonKey(header[i]);
        Object cell = r[i];
        if (cell == null || "-".equals(cell)) {
          o.putNull(key);
        } else if (cell instanceof Integer n) {
          o.put(key, n);
        } else if (cell instanceof Long n) {
          o.put(key, n);
        } else if (cell instanceof Short n) {
          o.put(key, n);
        } else if (cell instanceof Boolean b) {
          o.put(key, b);
        } else {
          o.put(key, cell.toString());
        }
      }
    }
    return array;
  }

  static String jsonKey(String heading) {
    return heading.toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
  }
}
