package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The log directory's per-partition offset checkpoints: Kafka's text format, round trips and corrupt files. */
class PartitionOffsetsFileTest {
  @TempDir Path dir;

  static Stream<Map<TopicPartition, Long>> roundTrips() {
    return Stream.of(
        Map.of(),
        Map.of(new TopicPartition("orders", 0), 0L),
        Map.of(new TopicPartition("orders", 0), 42L, new TopicPartition("orders", 11), Long.MAX_VALUE,
            new TopicPartition("with.dots_and-dashes", 3), 7L));
  }

  @ParameterizedTest
  @MethodSource("roundTrips")
  void roundTrip(Map<TopicPartition, Long> offsets) throws IOException {
    Path file = dir.resolve(PartitionOffsetsFile.HIGH_WATERMARKS);
    PartitionOffsetsFile.write(file, offsets);
    assertEquals(offsets, PartitionOffsetsFile.read(file));
    assertTrue(Files.notExists(dir.resolve(PartitionOffsetsFile.HIGH_WATERMARKS + ".tmp")), "the temp file was renamed");
  }

  @Test
  void writesKafkasFormat() throws IOException {
    Path file = dir.resolve(PartitionOffsetsFile.RECOVERY_POINTS);
    PartitionOffsetsFile.write(file, Map.of(new TopicPartition("b", 1), 5L, new TopicPartition("a", 10), 9L, new TopicPartition("a", 2), 3L));
    assertEquals("0\n3\na 2 3\na 10 9\nb 1 5\n", Files.readString(file));
  }

  @Test
  void aMissingFileHasNoOffsets() throws IOException {
    assertEquals(Map.of(), PartitionOffsetsFile.read(dir.resolve("absent")));
  }

  static Stream<Arguments> corruptFiles() {
    return Stream.of(
        Arguments.of("", 1),
        Arguments.of("1\n0\n", 1),
        Arguments.of("0\n", 2),
        Arguments.of("0\nmany\n", 2),
        Arguments.of("0\n2\na 0 1\n", 3), // fewer entries than counted: a torn write
        Arguments.of("0\n1\na 0 1\nb 0 2\n", 4),
        Arguments.of("0\n1\na 0\n", 3),
        Arguments.of("0\n2\na 0 1\na x 2\n", 4),
        Arguments.of("0\n1\na 0 -5\n", 3),
        Arguments.of("0\n2\na 0 1\na 0 2\n", 4));
  }

  @ParameterizedTest
  @MethodSource("corruptFiles")
  void aCorruptFileIsAnErrorNamingTheFileAndLine(String content, int line) throws IOException {
    Path file = dir.resolve(PartitionOffsetsFile.RECOVERY_POINTS);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    IOException e = assertThrows(IOException.class, () -> PartitionOffsetsFile.read(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("line " + line + ":"), e.getMessage());
  }
}
