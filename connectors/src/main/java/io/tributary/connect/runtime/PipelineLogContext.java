package io.tributary.connect.runtime;

/**
 * The log context of a pipeline's thread: its name under {@link #KEY} in SLF4J's MDC, so that every line it logs
 * carries it ({@code labels.pipeline} in JSON logs, {@code %X{pipeline}} in a pattern).
 */
public final class PipelineLogContext {
  public static final String KEY = "pipeline";

  private PipelineLogContext() {}
}
