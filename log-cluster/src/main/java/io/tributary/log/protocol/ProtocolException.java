package io.tributary.log.protocol;

/**
 * A frame that cannot be answered within the protocol (unknown API key, undecodable header or body):
 * the connection is closed, as Kafka does, after the reason is logged.
 */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }

  public ProtocolException(String message) {
    super(message);
  }
}
