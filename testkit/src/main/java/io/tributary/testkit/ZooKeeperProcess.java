package io.tributary.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real standalone ZooKeeper server in its own JVM ({@code ZooKeeperServerMain zoo.cfg}) on a free port of
 * 127.0.0.1, logging to {@code <dir>/zookeeper.log}. {@link #kill9()} and {@link #restart()} (same port,
 * same data) for fault tests. Children never outlive the test JVM (see {@link ChildProcess}).
 */
public final class ZooKeeperProcess extends RestartableChild {
  public static final String MAIN_CLASS = "org.apache.zookeeper.server.ZooKeeperServerMain";

  private final Path dir;
  private final int port;

  private ZooKeeperProcess(Path dir, int port) {
    this.dir = dir.toAbsolutePath();
    this.port = port;
  }

  /** Starts ZooKeeper on a free port and waits (30 s at most) until it answers {@code ruok}. */
  public static ZooKeeperProcess start(Path dir) throws IOException, InterruptedException {
    ZooKeeperProcess zk = new ZooKeeperProcess(dir, Ports.freePort());
    zk.startProcess();
    try {
      zk.awaitReady(Duration.ofSeconds(30));
    } catch (RuntimeException | InterruptedException e) {
      zk.kill9();
      throw e;
    }
    return zk;
  }

  private synchronized void startProcess() throws IOException {
    Files.createDirectories(dir.resolve("data"));
    String cfg = String.join("\n",
        "tickTime=2000",
        "dataDir=" + dir.resolve("data"),
        "clientPort=" + port,
        "clientPortAddress=127.0.0.1",
        "maxClientCnxns=0",
        "admin.enableServer=false",
        "4lw.commands.whitelist=ruok,srvr,stat",
        "");
    Files.writeString(dir.resolve("zoo.cfg"), cfg);
    launch(JvmProcessBuilder.main(MAIN_CLASS).jvmArgs("-Xmx512m")
        .systemProperty("zookeeper.admin.enableServer", "false")
        .systemProperty("zookeeper.4lw.commands.whitelist", "ruok,srvr,stat")
        .args(dir.resolve("zoo.cfg").toString()).logFile(logFile()));
  }

  /** Polls {@code ruok} until ZooKeeper answers {@code imok}. */
  public ZooKeeperProcess awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      checkRunning(logFile());
      if (ruok()) {
        return this;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("ZooKeeper did not answer ruok on port " + port + " within " + timeout
        + "; last lines of " + logFile() + ":\n" + ChildProcess.tail(logFile(), 30));
  }

  /** True if the server answers the four-letter command {@code ruok} with {@code imok}. */
  public boolean ruok() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("ruok".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return "imok".equals(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return false;
    }
  }

  public String connectString() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path logFile() {
    return dir.resolve("zookeeper.log");
  }

  public Path dir() {
    return dir;
  }

  @Override
  protected String description() {
    return "ZooKeeper";
  }

  /** Stops it if running, starts it again on the same port with the same data, waits until it answers. */
  public synchronized ZooKeeperProcess restart() throws IOException, InterruptedException {
    stop();
    startProcess();
    return awaitReady(Duration.ofSeconds(30));
  }
}
