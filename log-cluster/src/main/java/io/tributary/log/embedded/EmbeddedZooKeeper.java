package io.tributary.log.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A real standalone ZooKeeper server in this JVM (ZooKeeper's own server classes, no test doubles), for the
 * embedded cluster, the quickstart and benchmarks. Port 0 picks a free port.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  public static final int TICK_TIME_MS = 2000;
  public static final int MAX_CLIENT_CONNECTIONS = 200;

  private final ServerCnxnFactory factory;
  private final ZooKeeperServer server;
  private final String host;
  private boolean closed;

  private EmbeddedZooKeeper(String host, ServerCnxnFactory factory, ZooKeeperServer server) {
    this.host = host;
    this.factory = factory;
    this.server = server;
  }

  /** Starts serving {@code host:port} with its data in {@code dataDir}; a port in use is a BindException. */
  public static EmbeddedZooKeeper start(String host, int port, Path dataDir) throws IOException, InterruptedException {
    // No admin HTTP server (it would take port 8080); 'ruok' and 'srvr' answer health checks.
    System.setProperty("zookeeper.admin.enableServer", "false");
    System.setProperty("zookeeper.4lw.commands.whitelist", "ruok,srvr,stat");
    Files.createDirectories(dataDir);
    ZooKeeperServer server = new ZooKeeperServer(dataDir.toFile(), dataDir.toFile(), TICK_TIME_MS);
    ServerCnxnFactory factory;
    try {
      factory = ServerCnxnFactory.createFactory(new InetSocketAddress(host, port), MAX_CLIENT_CONNECTIONS);
    } catch (IOException e) {
      server.shutdown();
      throw e;
    }
    factory.startup(server);
    return new EmbeddedZooKeeper(host, factory, server);
  }

  public int port() {
    return factory.getLocalPort();
  }

  public String connectString() {
    return host + ":" + port();
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    factory.join();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    factory.shutdown();
    server.shutdown();
  }
}
