package io.tributary.connect.runtime;

/**
 * A pipeline being run: what {@code connect run} and a worker start, stop and report on. One task per
 * pipeline; {@link PipelineTasks#create} picks the implementation from the source and sink types.
 */
public interface PipelineTask {

  /** The pipeline's name (the YAML {@code name}). */
  String name();

  /**
   * Runs until the source is exhausted or {@link #stop()} is called, then flushes or commits what it holds
   * and returns. Throws when the pipeline fails (the failure names the pipeline and the cause).
   */
  void run() throws Exception;

  /** Asks {@link #run()} to finish; safe from any thread, returns at once. */
  void stop();

  /** A consistent-enough snapshot of the counters, readable from any thread while running. */
  PipelineMetrics metrics();
}
