package io.tributary.connect.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the lines of a file from a known byte offset, keeping each line's exact byte range: that range is
 * what the source records as its position. A line ends at {@code \n} (a {@code \r} before it is dropped); a
 * last line without {@code \n} ends at the end of the file (files are complete when they appear). A line
 * longer than {@code maxLineBytes} is returned truncated with {@link Line#tooLong()} set, and reading goes on
 * after its end.
 */
final class LineReader {
  /** One line: number, byte range {@code [startByte, endByte)} including the newline, text (null if not UTF-8). */
  record Line(long number, long startByte, long endByte, String text, byte[] bytes, boolean tooLong) {
    boolean utf8() {
      return text != null;
    }

    boolean blank() {
      return text != null && text.isBlank();
    }
  }

  private final InputStream in;
  private final int maxLineBytes;
  private long position;
  private long nextNumber;
  private final byte[] buf;
  private int bufLen;
  private int bufPos;

  /**
   * @param in the file's bytes from {@code startByte} on
   * @param startByte the offset of {@code in}'s first byte in the file
   * @param startLine the number of the line that starts at {@code startByte}
   */
  LineReader(InputStream in, long startByte, long startLine, int maxLineBytes) {
    this.in = in;
    this.position = startByte;
    this.nextNumber = startLine;
    this.maxLineBytes = maxLineBytes;
    this.buf = new byte[64 * 1024];
  }

  /** The next line, or null at the end of the file. */
  Line next() throws IOException {
    long start = position;
    byte[] line = new byte[Math.min(256, maxLineBytes)];
    int len = 0;
    boolean tooLong = false;
    boolean sawNewline = false;
    while (true) {
      if (bufPos == bufLen) {
        bufLen = in.read(buf);
        bufPos = 0;
        if (bufLen <= 0) {
          bufLen = 0;
          break;
        }
      }
      byte b = buf[bufPos++];
      position++;
      if (b == '\n') {
        sawNewline = true;
        break;
      }
      if (len < maxLineBytes) {
        if (len == line.length) {
          line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
        }
        line[len++] = b;
      } else {
        tooLong = true;
      }
    }
    if (!sawNewline && position == start) {
      return null;
    }
    if (!tooLong && len > 0 && line[len - 1] == '\r') {
      len--;
    }
    byte[] bytes = Arrays.copyOf(line, len);
    return new Line(nextNumber++, start, position, decode(bytes), bytes, tooLong);
  }

  private static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
