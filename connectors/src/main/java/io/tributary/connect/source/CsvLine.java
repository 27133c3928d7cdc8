package io.tributary.connect.source;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line into fields (RFC 4180 on a single line): fields separated by commas; a field may be
 * quoted with {@code "}, inside which a comma is text and {@code ""} is one quote. A quote inside an unquoted
 * field, text after a closing quote, or a quote left open are errors (a record never spans lines here).
 */
final class CsvLine {
  private CsvLine() {}

  /** The fields of {@code line}; throws {@link IllegalArgumentException} naming the column on bad quoting. */
  static List<String> split(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      int column = fields.size() + 1;
      field.setLength(0);
      if (i < n && line.charAt(i) == '"') {
        int open = i;
        i++;
        while (true) {
          if (i >= n) {
            throw new IllegalArgumentException("column " + column + ": the quote opened at character " + (open + 1)
                + " is not closed");
          }
          char c = line.charAt(i);
          if (c == '"') {
            if (i + 1 < n && line.charAt(i + 1) == '"') {
              field.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          field.append(c);
          i++;
        }
        if (i < n && line.charAt(i) != ',') {
          throw new IllegalArgumentException("column " + column + ": text after the closing quote at character "
              + i);
        }
      } else {
        while (i < n && line.charAt(i) != ',') {
          char c = line.charAt(i);
          if (c == '"') {
            throw new IllegalArgumentException("column " + column + ": a quote inside an unquoted field at character "
                + (i + 1));
          }
          field.append(c);
          i++;
        }
      }
      fields.add(field.toString());
      if (i >= n) {
        return fields;
      }
      i++; // the comma
    }
  }
}
