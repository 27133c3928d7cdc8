package io.tributary.console.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * How the message browser shows a key or value: Avro in the registry's wire format (byte 0, 4-byte schema id)
 * decoded through the registry; else JSON, pretty-printed; else UTF-8 text; else hex. A value that looks like
 * the wire format but does not decode is shown in hex with the reason.
 */
public final class ValueDecoder {
  /** The registry's wire format: magic byte 0 and a 4-byte schema id before the Avro body. */
  private static final int WIRE_HEADER_BYTES = 5;
  /** Longest text shown for one value; the rest is cut with a note. */
  static final int MAX_SHOWN_CHARS = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The text shown and what it was decoded as ({@code avro (schema id N)}, json, text, binary, null). */
  public record Decoded(String format, String text) {}

  private final Function<byte[], Object> avro;

  /** {@code avro} decodes a value in the wire format (the registry serde's deserializer), throwing if it cannot. */
  public ValueDecoder(Function<byte[], Object> avro) {
    this.avro = avro;
  }

  public Decoded decode(byte[] bytes) {
    if (bytes == null) {
      return new Decoded("null", "null (tombstone)");
    }
    if (bytes.length >= WIRE_HEADER_BYTES && bytes[0] == 0) {
      int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
      try {
        return new Decoded("avro (schema id " + id + ")", cut(String.valueOf(avro.apply(bytes))));
      } catch (RuntimeException e) {
        return new Decoded("binary (not decodable as avro: " + e.getMessage() + ")", cut(hex(bytes)));
      }
    }
    String text = utf8(bytes);
    if (text == null) {
      return new Decoded("binary", cut(hex(bytes)));
    }
    String trimmed = text.strip();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return new Decoded("json", cut(JSON.writeValueAsString(JSON.readTree(trimmed))));
      } catch (IOException e) {
        return new Decoded("text", cut(text));
      }
    }
    return new Decoded("text", cut(text));
  }

  /** The text when {@code bytes} are valid UTF-8 without control characters (other than tab and newlines). */
  static String utf8(byte[] bytes) {
    try {
      String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      return s.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r') ? null : s;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.ofDelimiter(" ").formatHex(bytes);
  }

  private static String cut(String s) {
    return s.length() <= MAX_SHOWN_CHARS ? s : s.substring(0, MAX_SHOWN_CHARS) + " … (" + s.length() + " chars)";
  }
}
