package io.tributary.log.cluster;

/** A broker was started with a {@code broker.id} that a live broker has registered. */
public final class DuplicateBrokerIdException extends IllegalStateException {
  public DuplicateBrokerIdException(String message) {
    super(message);
  }
}
