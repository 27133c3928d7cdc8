package io.tributary.log.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * Children never outlive the test JVM: a shutdown hook SIGKILLs every child still running.
 */
public final class BrokerProcess implements AutoCloseable {
  public static final String MAIN_CLASS = "io.tributary.log.broker.Broker";
  public static final String MAX_HEAP = "-Xmx512m";
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  private final Path dir;
  private final Map<String, String> config;
  private final int port;
  private Process process;

  /**
   * A broker whose config is {@code config} plus, unless given: {@code broker.id=0}, {@code listeners} on a
   * free port of 127.0.0.1 (fixed for the life of this object, so restarts keep it) and {@code log.dirs}
   * under {@code dir}. {@code zookeeper.connect} should be given.
   */
  public BrokerProcess(Path dir, Map<String, String> config) {
    this.dir = dir.toAbsolutePath();
    Map<String, String> c = new LinkedHashMap<>();
    c.put("broker.id", "0");
    c.put("log.dirs", this.dir.resolve("data").toString());
    c.putAll(config);
    if (!c.containsKey("listeners")) {
      c.put("listeners", "PLAINTEXT://127.0.0.1:" + freePort());
    }
    String listeners = c.get("listeners");
    this.port = Integer.parseInt(listeners.substring(listeners.lastIndexOf(':') + 1).trim());
    if (port == 0) {
      throw new IllegalArgumentException("BrokerProcess needs a fixed port (it is restarted on the same one): "
          + listeners);
    }
    this.config = Collections.unmodifiableMap(c);
  }

  /** Writes {@code server.properties} and starts the child JVM; does not wait (see {@link #awaitReady}). */
  public synchronized BrokerProcess start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("broker " + brokerId() + " is already running (pid " + process.pid() + ")");
    }
    Files.createDirectories(dir);
    Properties props = new Properties();
    props.putAll(config);
    try (Writer w = Files.newBufferedWriter(configFile())) {
      props.store(w, "BrokerProcess");
    }
    process = launch(List.of(MAX_HEAP), MAIN_CLASS, List.of(configFile().toString()), logFile());
    return this;
  }

  /** Polls until the broker accepts TCP connections and answers Admin describeCluster. */
  public BrokerProcess awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException("broker " + brokerId() + " is not running"
            + (p == null ? "" : " (exit code " + p.exitValue() + ")") + "; last lines of " + logFile() + ":\n"
            + tail(logFile(), 30));
      }
      if (tcpConnects(port)) {
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
        + logFile() + ":\n" + tail(logFile(), 30));
  }

  /** SIGKILL (Process.destroyForcibly on Linux), then waits for the process to be gone. */
  public synchronized void kill9() throws InterruptedException {
    if (process != null) {
      kill9(process);
    }
  }

  /** SIGSTOP: the process freezes (no heartbeats, no responses) but keeps its sockets. */
  public void sigstop() throws IOException, InterruptedException {
    signal("STOP", pid());
  }

  /** SIGCONT: resumes a process paused with {@link #sigstop()}. */
  public void sigcont() throws IOException, InterruptedException {
    signal("CONT", pid());
  }

  /** Stops the broker if it runs (SIGTERM, SIGKILL after 15 s) and starts it again: same port, same data. */
  public synchronized BrokerProcess restart() throws IOException, InterruptedException {
    stop();
    return start();
  }

  /** SIGTERM (a clean shutdown), then SIGKILL after 15 s; returns the exit code, -1 if it was not running. */
  public synchronized int stop() throws InterruptedException {
    if (process == null) {
      return -1;
    }
    return stop(process, STOP_TIMEOUT);
  }

  /** {@link #stop()}; if interrupted, SIGKILL at once (a test must never leave a broker behind). */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Process p = process;
      if (p != null) {
        p.destroyForcibly();
      }
    }
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  public long pid() {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException("broker " + brokerId() + " was never started");
    }
    return p.pid();
  }

  public Process process() {
    return process;
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
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

  // ---- child JVM plumbing, shared with ZooKeeperProcess ----

  private static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (Process p : CHILDREN) {
        p.destroyForcibly();
      }
    }, "child-jvm-reaper"));
  }

  /** The real classpath of this JVM (surefire may run tests from a manifest-only jar). */
  static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Starts {@code java <jvmArgs> -cp <classpath> mainClass args}, stdout and stderr appended to logFile. */
  static Process launch(List<String> jvmArgs, String mainClass, List<String> args, Path logFile) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.addAll(jvmArgs);
    cmd.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    cmd.add("--add-opens=java.base/java.lang.invoke=ALL-UNNAMED");
    cmd.add("--add-opens=java.base/java.util=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(mainClass);
    cmd.addAll(args);
    Files.createDirectories(logFile.getParent());
    Process p = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectErrorStream(true)
        .start();
    CHILDREN.add(p);
    p.onExit().thenRun(() -> CHILDREN.remove(p));
    return p;
  }

  static void kill9(Process p) throws InterruptedException {
    p.destroyForcibly(); // SIGKILL on Linux (ProcessHandleImpl.destroy0 with force=true)
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("pid " + p.pid() + " survived SIGKILL for 10 s");
    }
  }

  static int stop(Process p, Duration timeout) throws InterruptedException {
    if (!p.isAlive()) {
      return p.exitValue();
    }
    p.destroy(); // SIGTERM
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill9(p);
    }
    return p.exitValue();
  }

  static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
    String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + pid + " failed: " + output);
    }
  }

  /** A port that was free on 127.0.0.1 a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean tcpConnects(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * Waits until every broker's own metadata lists all of {@code brokers} (registrations reach each
   * broker's ZooKeeper cache asynchronously), asking each broker directly.
   */
  public static void awaitAllRegistered(List<BrokerProcess> brokers, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (BrokerProcess b : brokers) {
      while (true) {
        try (io.tributary.log.protocol.KafkaRpcClient client =
                 new io.tributary.log.protocol.KafkaRpcClient("127.0.0.1", b.port(), "await-registered", 5000)) {
          org.apache.kafka.common.requests.MetadataResponse md = client.send(
              new org.apache.kafka.common.requests.MetadataRequest.Builder(
                  new org.apache.kafka.common.message.MetadataRequestData().setTopics(List.of())).build((short) 12));
          if (md.data().brokers().size() >= brokers.size()) {
            break;
          }
        } catch (IOException e) {
          // not answering yet
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("broker " + b.brokerId() + " does not see all " + brokers.size() + " brokers in time");
        }
        Thread.sleep(50);
      }
    }
  }
}
