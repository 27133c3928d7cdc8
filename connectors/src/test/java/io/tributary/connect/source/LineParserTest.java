package io.tributary.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.connect.Source;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each table: the lines of one file, and what each line is. */
class LineParserTest {

  static LineReader.Line line(long n, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return new LineReader.Line(n, 0, b.length, text, b, false);
  }

  static List<String> classify(LineParser parser, String... lines) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      LineParser.Parsed p = parser.parse(line(i + 1, lines[i]));
      out.add(p instanceof LineParser.Ok ok ? "ok " + ok.record()
          : p instanceof LineParser.Bad bad ? "bad " + bad.reason() : "skip");
    }
    return out;
  }

  @Test
  void jsonLines() {
    assertEquals(List.of(
        "ok {id=1, name=a, price=2.5, tags=[x], nested={k=true}, none=null}",
        "skip",
        "bad malformed JSON: Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)\"{\"id\": 2\"; line: 1, column: 1])",
        "bad a JSON array where a JSON object was expected",
        "bad a JSON number where a JSON object was expected",
        "bad malformed JSON: Duplicate field 'id'",
        "bad malformed JSON: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
        "ok {id=9223372036854775807}"),
        classify(LineParser.forFormat(Source.FileFormat.JSONL, false),
            "{\"id\": 1, \"name\": \"a\", \"price\": 2.5, \"tags\": [\"x\"], \"nested\": {\"k\": true}, \"none\": null}",
            "   ",
            "{\"id\": 2",
            "[1, 2]",
            "42",
            "{\"id\": 1, \"id\": 2}",
            "{\"id\": 1} x",
            "{\"id\": 9223372036854775807}"));
  }

  @Test
  void jsonIntegersAreLongs() {
    LineParser.Ok ok = (LineParser.Ok) LineParser.forFormat(Source.FileFormat.JSONL, false).parse(line(1, "{\"n\": 1}"));
    assertEquals(Long.class, ok.record().get("n").getClass());
  }

  @Test
  void csvWithHeader() {
    assertEquals(List.of(
        "skip",
        "ok {id=1, name=a, qty=3}",
        "bad expected 3 columns (as in the header), got 2",
        "skip",
        "ok {id=2, name=b,c, qty=}",
        "bad expected 3 columns (as in the header), got 4",
        "bad malformed CSV: column 2: the quote opened at character 3 is not closed"),
        classify(LineParser.forFormat(Source.FileFormat.CSV, true),
            "id,name,qty", "1,a,3", "1,a", "", "2,\"b,c\",", "1,2,3,4", "3,\"x"));
  }

  @Test
  void csvWithoutHeaderTakesTheFirstRowsWidth() {
    assertEquals(List.of("ok {col1=a, col2=b}", "ok {col1=c, col2=d}", "bad expected 2 columns (as in the first row), got 1"),
        classify(LineParser.forFormat(Source.FileFormat.CSV, false), "a,b", "c,d", "e"));
  }

  @Test
  void csvWithABadHeaderMakesEveryRowBad() {
    assertEquals(List.of("bad invalid CSV header: column name 'id' appears twice",
        "bad the header is invalid (column name 'id' appears twice): the columns of this row are unknown"),
        classify(LineParser.forFormat(Source.FileFormat.CSV, true), "id,id", "1,2"));
    assertEquals(List.of("bad invalid CSV header: column 2 has no name"),
        classify(LineParser.forFormat(Source.FileFormat.CSV, true), "id,,x"));
  }

  @Test
  void tooLongAndNonUtf8LinesAreBad() {
    LineParser p = LineParser.forFormat(Source.FileFormat.JSONL, false);
    assertEquals(new LineParser.Bad("the line is longer than the limit of 3 bytes"),
        p.parse(new LineReader.Line(1, 0, 10, "abc", new byte[3], true)));
    assertEquals(new LineParser.Bad("the line is not valid UTF-8"),
        p.parse(new LineReader.Line(1, 0, 2, null, new byte[] {(byte) 0xff}, false)));
  }

  @Test
  void recordsKeepFieldOrder() {
    LineParser.Ok ok = (LineParser.Ok) LineParser.forFormat(Source.FileFormat.JSONL, false)
        .parse(line(1, "{\"z\": 1, \"a\": 2, \"m\": 3}"));
    assertEquals(Arrays.asList("z", "a", "m"), new ArrayList<>(ok.record().keySet()));
    assertEquals(LinkedHashMap.class, ok.record().getClass());
    Map<String, Object> r = ok.record();
    assertEquals(3, r.size());
  }
}
