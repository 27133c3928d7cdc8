package io.tributary.console;

/** What a user typed into a form cannot be used; the message says why (shown with HTTP 400). */
public final class BadInput extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInput(String message) {
    super(message);
  }
}
