package io.tributary.connect;

import java.util.List;
import java.util.stream.Collectors;

/** A pipeline file that cannot run, with every problem found in it (never just the first one). */
public final class PipelineException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<ValidationError> errors;

  public PipelineException(List<ValidationError> errors) {
    super(errors.stream().map(ValidationError::toString).collect(Collectors.joining("\n")));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a PipelineException needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  public List<ValidationError> errors() {
    return errors;
  }

  /** One error per line, as {@code file:line: key: message}. */
  @Override
  public String toString() {
    return getMessage();
  }
}
