package io.tributary.console.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValueDecoderTest {
  /** Avro "decodes" to a fixed text unless the body is 0xff (then it fails as a bad body would). */
  private final ValueDecoder decoder = new ValueDecoder(bytes -> {
    if (bytes[bytes.length - 1] == (byte) 0xff) {
      throw new IllegalArgumentException("bad body");
    }
    return "{\"decoded\": true}";
  });

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "00 00 00 00 07 02 | avro (schema id 7) | {\"decoded\": true}",
      "00 00 00 00 07 ff | binary (not decodable as avro: bad body) | 00 00 00 00 07 ff",
      "7b 22 61 22 3a 31 7d | json | '{\n  \"a\" : 1\n}'",
      "68 69 | text | hi",
      "7b 6e 6f | text | {no",
      "01 02 03 | binary | 01 02 03",
      "c3 28 | binary | c3 28",
  })
  void showsEachKindOfValue(String hex, String format, String text) {
    ValueDecoder.Decoded d = decoder.decode(HexFormat.ofDelimiter(" ").parseHex(hex));
    assertEquals(format, d.format());
    assertEquals(text.replace("\\n", "\n"), d.text());
  }

  @Test
  void nullIsATombstone() {
    assertEquals("null", decoder.decode(null).format());
    assertEquals("text", decoder.decode("x".getBytes(StandardCharsets.UTF_8)).format());
  }
}
