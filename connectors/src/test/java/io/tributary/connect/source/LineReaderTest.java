package io.tributary.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  static List<LineReader.Line> read(byte[] bytes, int from, long line, int max) throws Exception {
    LineReader r = new LineReader(new ByteArrayInputStream(bytes, from, bytes.length - from), from, line, max);
    List<LineReader.Line> out = new ArrayList<>();
    for (LineReader.Line l; (l = r.next()) != null; ) {
      out.add(l);
    }
    return out;
  }

  @Test
  void keepsEachLinesByteRangeAndNumber() throws Exception {
    byte[] text = "ab\r\n\nçd\nlast".getBytes(StandardCharsets.UTF_8);
    List<LineReader.Line> lines = read(text, 0, 1, 100);
    assertEquals(List.of("ab", "", "çd", "last"), lines.stream().map(LineReader.Line::text).toList());
    assertEquals(List.of(1L, 2L, 3L, 4L), lines.stream().map(LineReader.Line::number).toList());
    assertEquals(List.of(0L, 4L, 5L, 9L), lines.stream().map(LineReader.Line::startByte).toList());
    assertEquals(List.of(4L, 5L, 9L, 13L), lines.stream().map(LineReader.Line::endByte).toList());
    assertTrue(lines.get(1).blank());
  }

  @Test
  void resumesFromAnOffset() throws Exception {
    byte[] text = "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8);
    List<LineReader.Line> lines = read(text, 4, 2, 100);
    assertEquals(List.of("two", "three"), lines.stream().map(LineReader.Line::text).toList());
    assertEquals(2, lines.get(0).number());
    assertEquals(4, lines.get(0).startByte());
    assertEquals(14, lines.get(1).endByte());
  }

  @Test
  void emptyInputHasNoLines() throws Exception {
    assertTrue(read(new byte[0], 0, 1, 10).isEmpty());
  }

  @Test
  void tooLongLinesAreTruncatedAndFlagged() throws Exception {
    List<LineReader.Line> lines = read("0123456789\nok\n".getBytes(StandardCharsets.UTF_8), 0, 1, 4);
    assertTrue(lines.get(0).tooLong());
    assertEquals("0123", lines.get(0).text());
    assertEquals(11, lines.get(0).endByte());
    assertFalse(lines.get(1).tooLong());
    assertEquals("ok", lines.get(1).text());
  }

  @Test
  void invalidUtf8HasNoText() throws Exception {
    List<LineReader.Line> lines = read(new byte[] {'a', (byte) 0xff, '\n', 'b'}, 0, 1, 10);
    assertNull(lines.get(0).text());
    assertFalse(lines.get(0).utf8());
    assertEquals("b", lines.get(1).text());
  }
}
