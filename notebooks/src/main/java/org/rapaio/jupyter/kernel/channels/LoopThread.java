package org.rapaio.jupyter.kernel.channels;

/**
 * Stands in for rapaio-jupyter-kernel 3.0.1's class of the same name: this module's classes come first on the
 * kernel's classpath ({@code notebooks/run.sh}), so the kernel's channels load this one. Same constructor and
 * methods: a thread that runs its body, sleeps, and repeats until shut down.
 *
 * <p>Why: the kernel's own version sets its running flag only after {@code Thread.start()}, and its loop ends as
 * soon as it finds the flag unset. A new thread that runs before that assignment exits at once; when it is the
 * shell channel's, no request is ever read and Jupyter reports "Kernel didn't respond" (4 starts in 20 on this
 * busy 2-core machine, with the thread missing from the kernel's thread dump). Here the flag is set first.
 *
 * <p>Written for 3.0.1 (the version the parent pom pins); check this class against a new version's.
 */
public final class LoopThread extends Thread {
  private volatile boolean running;
  private final long sleepMillis;
  private final Runnable body;

  public LoopThread(String name, long sleepMillis, Runnable body) {
    super(name);
    this.sleepMillis = sleepMillis;
    this.body = body;
  }

  @Override
  public void run() {
    try {
      while (running) {
        body.run();
        Thread.sleep(sleepMillis);
      }
    } catch (InterruptedException e) {
      running = false;
    }
  }

  @Override
  public synchronized void start() {
    running = true;
    super.start();
  }

  public void shutdown() {
    running = false;
  }
}
