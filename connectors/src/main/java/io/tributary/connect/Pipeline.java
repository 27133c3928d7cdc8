package io.tributary.connect;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A validated pipeline: every key present or defaulted, every value typed. Built only by
 * {@link PipelineLoader}, which checks the whole file first.
 */
public record Pipeline(
    Path file, String name, Source source, List<Transform> transforms, Sink sink, Schema schema, Errors errors) {

  public Pipeline {
    transforms = List.copyOf(transforms);
  }

  /** The {@code schema} section: where values' schemas are looked up. */
  public record Schema(URI registryUrl, String subject) {}

  /** What to do with a record that cannot be decoded, validated or written. */
  public enum Tolerance { NONE, ALL }

  /**
   * The {@code errors} section. With {@code tolerance: none} the first bad record stops the pipeline; with
   * {@code all} it goes to the dead-letter topic (required then) with the reason in headers.
   */
  public record Errors(Optional<String> deadLetterTopic, Tolerance tolerance) {}
}
