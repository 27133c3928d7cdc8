package io.tributary.log.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/** {@code partition.metadata}: {@code version: 0} and {@code topic_id: <base64 uuid>}, as Kafka writes it. */
final class PartitionMetadata {
  static final String FILE = "partition.metadata";

  private PartitionMetadata() {}

  static Optional<Uuid> read(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    List<String> lines = CheckpointFile.readLines(f);
    for (String line : lines) {
      if (line.startsWith("topic_id:")) {
        try {
          return Optional.of(Uuid.fromString(line.substring("topic_id:".length()).trim()));
        } catch (IllegalArgumentException e) {
          throw new IOException("Malformed topic id in " + f + ": " + line, e);
        }
      }
    }
    throw new IOException("No topic_id line in " + f);
  }

  static void write(Path dir, Uuid topicId) throws IOException {
    CheckpointFile.write(dir.resolve(FILE), "version: 0\ntopic_id: " + topicId + "\n");
  }
}
