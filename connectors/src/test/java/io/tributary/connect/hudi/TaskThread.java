package io.tributary.connect.hudi;

import io.tributary.connect.runtime.PipelineTask;
import java.util.concurrent.atomic.AtomicReference;

/** A pipeline task running on its own thread in the test JVM, keeping what it failed with. */
final class TaskThread {
  private final PipelineTask task;
  private final Thread thread;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private TaskThread(PipelineTask task) {
    this.task = task;
    this.thread = new Thread(() -> {
      try {
        task.run();
      } catch (Throwable e) {
        failure.set(e);
      }
    }, task.name());
  }

  static TaskThread start(PipelineTask task) {
    TaskThread t = new TaskThread(task);
    t.thread.start();
    return t;
  }

  /** What the task failed with, or null. */
  Throwable failure() {
    return failure.get();
  }

  /** Stops the task and waits (at most {@code timeoutMs}) for its thread to end. */
  void stop(long timeoutMs) throws InterruptedException {
    task.stop();
    thread.join(timeoutMs);
  }
}
