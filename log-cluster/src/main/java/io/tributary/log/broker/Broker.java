package io.tributary.log.broker;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * One broker process: storage, the Kafka-protocol server and its ZooKeeper session, wired together.
 * Lifecycle: {@link #start()}, then {@link #close()} (or {@link #awaitShutdown()} in a foreground
 * process, which a JVM shutdown hook ends).
 */
public final class Broker implements AutoCloseable {
  private final BrokerConfig config;
  private final CountDownLatch stopped = new CountDownLatch(1);

  public Broker(BrokerConfig config) {
    this.config = config;
  }

  public BrokerConfig config() {
    return config;
  }

  /** Starts serving; returns once the listener is bound and the broker is registered. */
  public synchronized void start() throws Exception {
    throw new UnsupportedOperationException("broker core is being written");
  }

  /** The port the listener is bound to (useful with listeners=...:0). */
  public int boundPort() {
    throw new UnsupportedOperationException("broker core is being written");
  }

  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  @Override
  public synchronized void close() {
    stopped.countDown();
  }

  /** {@code java io.tributary.log.broker.Broker server.properties [key=value ...]}: a foreground broker. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: Broker <server.properties> [key=value ...]");
      System.exit(2);
    }
    java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      overrides.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    BrokerConfig file = BrokerConfig.load(Path.of(args[0]));
    java.util.Map<String, String> merged = new java.util.LinkedHashMap<>(file.asMap());
    merged.putAll(overrides);
    Broker broker = new Broker(BrokerConfig.of(merged));
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
    broker.start();
    broker.awaitShutdown();
  }
}
