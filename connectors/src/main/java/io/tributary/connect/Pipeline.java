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
    Path file, String name, Source source, List<Transform> transforms, Sink sink, Schema schema, Errors errors,
    ClientSecurity security) {

  public Pipeline {
    transforms = List.copyOf(transforms);
  }

  /** A pipeline without a {@code security} section. */
  public Pipeline(Path file, String name, Source source, List<Transform> transforms, Sink sink, Schema schema, Errors errors) {
    this(file, name, source, transforms, sink, schema, errors, ClientSecurity.NONE);
  }

  /** How the values of a {@code topic} source are encoded. */
  public enum ValueFormat { AVRO, JSON }

  /**
   * The {@code schema} section: where values' schemas are looked up.
   *
   * @param format AVRO: the registry's wire format; JSON: JSON objects read with the subject's (or the file's)
   *     Avro schema
   * @param file an Avro schema file ({@code .avsc}) for JSON values, instead of the subject (file:// or hdfs://)
   */
  public record Schema(URI registryUrl, String subject, ValueFormat format, Optional<URI> file) {

    /** Avro values through the registry. */
    public Schema(URI registryUrl, String subject) {
      this(registryUrl, subject, ValueFormat.AVRO, Optional.empty());
    }
  }

  /** What to do with a record that cannot be decoded, validated or written. */
  public enum Tolerance { NONE, ALL }

  /**
   * The {@code errors} section. With {@code tolerance: none} the first bad record stops the pipeline; with
   * {@code all} it goes to the dead-letter topic (required then) with the reason in headers.
   */
  public record Errors(Optional<String> deadLetterTopic, Tolerance tolerance) {}
}
