package io.tributary.testkit;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A broker in its own JVM (a real OS process) for integration and fault tests: started with the current
 * test classpath, {@code -Xmx512m}, logging to {@code <dir>/broker.log}; killed with SIGKILL, paused with
 * SIGSTOP, restarted on the same port and log directory.
 *
 * <pre>{@code
 * try (ZooKeeperProcess zk = ZooKeeperProcess.start(tmp.resolve("zk"));
 *      BrokerProcess b = new BrokerProcess(tmp.resolve("b0"), Map.of("broker.id", "0",
 *          "zookeeper.connect", zk.connectString()))) {
 *   b.start().awaitReady(Duration.ofSeconds(30));
 *   ... b.bootstrap() ... b.kill9(); b.restart().awaitReady(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * Children never outlive the test JVM (see {@link ChildProcess}).
 */
public final class BrokerProcess extends RestartableChild {
  public static final String MAIN_CLASS = "io.tributary.log.broker.Broker";
  public static final String MAX_HEAP = "-Xmx512m";

  private final Path dir;
  private final Map<String, String> config;
  private final String host;
  private final int port;
  private final List<String> commandPrefix;

  /**
   * A broker whose config is {@code config} plus, unless given: {@code broker.id=0}, {@code listeners} on a
   * free port of 127.0.0.1 (fixed for the life of this object, so restarts keep it) and {@code log.dirs}
   * under {@code dir}. {@code zookeeper.connect} should be given.
   */
  public BrokerProcess(Path dir, Map<String, String> config) {
    this(dir, config, List.of());
  }

  /**
   * As above, the JVM started behind {@code commandPrefix} (e.g. {@code ip netns exec NS}); the host clients
   * use is the one of {@code listeners} (e.g. the namespace's address).
   */
  public BrokerProcess(Path dir, Map<String, String> config, List<String> commandPrefix) {
    this.commandPrefix = List.copyOf(commandPrefix);
    this.dir = dir.toAbsolutePath();
    Map<String, String> c = new LinkedHashMap<>();
    c.put("broker.id", "0");
    c.put("log.dirs", this.dir.resolve("data").toString());
    c.putAll(config);
    if (!c.containsKey("listeners")) {
      c.put("listeners", "PLAINTEXT://127.0.0.1:" + Ports.freePort());
    }
    String listeners = c.get("listeners");
    this.port = Integer.parseInt(listeners.substring(listeners.lastIndexOf(':') + 1).trim());
    String first = listeners.split(",")[0];
    String hostPart = first.contains("://") && first.lastIndexOf(':') > first.indexOf("://") + 2
        ? first.substring(first.indexOf("://") + 3, first.lastIndexOf(':')).trim() : "";
    this.host = hostPart.isEmpty() || hostPart.equals("0.0.0.0") ? "127.0.0.1" : hostPart;
    if (port == 0) {
      throw new IllegalArgumentException("BrokerProcess needs a fixed port (it is restarted on the same one): "
          + listeners);
    }
    this.config = Collections.unmodifiableMap(c);
  }

  /** Writes {@code server.properties} and starts the child JVM; does not wait (see {@link #awaitReady}). */
  public synchronized BrokerProcess start() throws IOException {
    Files.createDirectories(dir);
    Properties props = new Properties();
    props.putAll(config);
    try (Writer w = Files.newBufferedWriter(configFile())) {
      props.store(w, "BrokerProcess");
    }
    launch(JvmProcessBuilder.main(MAIN_CLASS).jvmArgs(MAX_HEAP).args(configFile().toString()).logFile(logFile())
        .commandPrefix(commandPrefix));
    return this;
  }

  /** Polls until the broker accepts TCP connections and answers Admin describeCluster. */
  public BrokerProcess awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      checkRunning(logFile());
      if (Ports.tcpConnects(host, port)) {
        try (Admin admin = Admin.create(Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000"))) {
          admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
          return this;
        } catch (Exception e) {
          last = e;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("broker " + brokerId() + " did not answer at " + bootstrap() + " within "
        + timeout + (last == null ? " (no TCP connection)" : " (last error: " + last + ")") + "; last lines of "
        + logFile() + ":\n" + ChildProcess.tail(logFile(), 30));
  }

  /** Stops the broker if it runs (SIGTERM, SIGKILL after 15 s) and starts it again: same port, same data. */
  public synchronized BrokerProcess restart() throws IOException, InterruptedException {
    stop();
    return start();
  }

  @Override
  protected String description() {
    return "broker " + brokerId();
  }

  public String bootstrap() {
    return host + ":" + port;
  }

  /** The address clients connect to (the host of {@code listeners}). */
  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public int brokerId() {
    return Integer.parseInt(config.get("broker.id"));
  }

  public Map<String, String> config() {
    return config;
  }

  public Path dir() {
    return dir;
  }

  public Path configFile() {
    return dir.resolve("server.properties");
  }

  public Path logFile() {
    return dir.resolve("broker.log");
  }

  /** A port that was free on 127.0.0.1 a moment ago (kept here for the tests that pick ports next to a broker). */
  public static int freePort() {
    return Ports.freePort();
  }
}
