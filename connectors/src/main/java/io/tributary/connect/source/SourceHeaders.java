package io.tributary.connect.source;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers a files source puts on every record it produces (to the sink topic and to the dead-letter
 * topic). They say where the record came from, which is also how a restarted source finds what the log
 * cluster already holds: values are UTF-8 text, numbers in decimal.
 */
public final class SourceHeaders {
  /** The pipeline that produced the record (several pipelines may write to one topic). */
  public static final String PIPELINE = "tributary.pipeline";
  /** The file's name inside the source directory. */
  public static final String FILE = "tributary.source.file";
  /** 1-based line number of the record in the file. */
  public static final String LINE = "tributary.source.line";
  /** Byte offset of the line's first byte in the file. */
  public static final String BYTE_OFFSET = "tributary.source.byte.offset";
  /** Dead-letter records only: why the line was not produced to the sink topic. */
  public static final String ERROR_REASON = "tributary.error.reason";
  /**
   * Dead-letter records also carry the pipeline and the reason under Kafka Connect's names, as the Hudi sink's
   * dead letters do, so that one reader handles every dead-letter topic.
   */
  public static final String CONNECT_CONNECTOR = "__connect.errors.connector.name";
  public static final String CONNECT_MESSAGE = "__connect.errors.exception.message";

  private SourceHeaders() {}

  static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** The last value of header {@code name}, if present. */
  public static Optional<String> get(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? Optional.empty()
        : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
  }
}
