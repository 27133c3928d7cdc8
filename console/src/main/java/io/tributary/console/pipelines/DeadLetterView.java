package io.tributary.console.pipelines;

import io.tributary.console.kafka.MessageBrowser.Message;
import java.util.List;

/**
 * A dead letter as the pipelines page lists it: where it came from and why it was rejected, from the Kafka
 * Connect headers the Hudi sink writes ({@code __connect.errors.*}, {@code __tributary.errors.reason}).
 */
public record DeadLetterView(String id, int partition, long offset, String timestamp, String sourceTopic,
    String sourcePartition, String sourceOffset, String reason, String message, String key, String value) {

  static final String HEADER_TOPIC = "__connect.errors.topic";
  static final String HEADER_PARTITION = "__connect.errors.partition";
  static final String HEADER_OFFSET = "__connect.errors.offset";
  static final String HEADER_EXCEPTION_MESSAGE = "__connect.errors.exception.message";
  static final String HEADER_REASON = "__tributary.errors.reason";
  /** The headers a dead letter gains; a replay leaves them out so that the record is as it was first produced. */
  static final List<String> ERROR_HEADER_PREFIXES = List.of("__connect.errors.", "__tributary.errors.");

  static DeadLetterView of(Message m) {
    return new DeadLetterView(m.partition() + "-" + m.offset(), m.partition(), m.offset(), m.timestamp(),
        m.header(HEADER_TOPIC).orElse("-"), m.header(HEADER_PARTITION).orElse("-"), m.header(HEADER_OFFSET).orElse("-"),
        m.header(HEADER_REASON).orElse("-"), m.header(HEADER_EXCEPTION_MESSAGE).orElse("-"), m.key(), m.value());
  }

  static boolean isErrorHeader(String key) {
    return ERROR_HEADER_PREFIXES.stream().anyMatch(key::startsWith);
  }
}
