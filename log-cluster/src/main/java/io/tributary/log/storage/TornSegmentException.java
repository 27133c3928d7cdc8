package io.tributary.log.storage;

import java.io.IOException;

/**
 * An append to a segment failed and the segment could not be put back as it was: its file may hold bytes
 * past the last acknowledged batch. Nothing may be written to or read from that log directory any more
 * (Kafka takes the directory offline for the same reason).
 */
final class TornSegmentException extends IOException {
  TornSegmentException(String message, Throwable cause) {
    super(message, cause);
  }
}
