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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One member of a real ZooKeeper ensemble ({@code QuorumPeerMain zoo.cfg}, {@code server.N} lines and a
 * {@code myid} file) in its own JVM, optionally behind a command prefix such as {@code ip netns exec NS}; see
 * {@link ZooKeeperEnsemble}. Killed, paused and restarted (same address, same data) by fault tests.
 */
public final class ZooKeeperMember extends RestartableChild {
  public static final String MAIN_CLASS = "org.apache.zookeeper.server.quorum.QuorumPeerMain";
  /** Short ticks so that a lost member or leader is noticed within seconds (syncLimit ticks). */
  static final int TICK_MS = 1000;

  /** Where a member listens: clients, quorum traffic (followers to the leader) and leader election. */
  public record Address(String host, int clientPort, int quorumPort, int electionPort) {
    String serverLine(int myid) {
      return "server." + myid + "=" + host + ":" + quorumPort + ":" + electionPort;
    }

    public String clientAddress() {
      return host + ":" + clientPort;
    }
  }

  private final Path dir;
  private final int myid;
  private final Address address;
  private final List<String> serverLines;
  private final List<String> commandPrefix;

  ZooKeeperMember(Path dir, int myid, Address address, List<Address> ensemble, List<String> commandPrefix) {
    this.dir = dir.toAbsolutePath();
    this.myid = myid;
    this.address = address;
    this.serverLines = new ArrayList<>();
    for (int i = 0; i < ensemble.size(); i++) {
      serverLines.add(ensemble.get(i).serverLine(i + 1));
    }
    this.commandPrefix = List.copyOf(commandPrefix);
  }

  /** Writes {@code zoo.cfg} and {@code myid} and starts the JVM; does not wait for a quorum. */
  public synchronized ZooKeeperMember start() throws IOException {
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("data").resolve("myid"), myid + "\n");
    List<String> cfg = new ArrayList<>(List.of(
        "tickTime=" + TICK_MS,
        "initLimit=10",
        "syncLimit=5",
        "dataDir=" + dir.resolve("data"),
        "clientPort=" + address.clientPort(),
        "clientPortAddress=" + address.host(),
        "maxClientCnxns=0",
        "admin.enableServer=false",
        "4lw.commands.whitelist=ruok,srvr,stat"));
    cfg.addAll(serverLines);
    Files.writeString(dir.resolve("zoo.cfg"), String.join("\n", cfg) + "\n");
    launch(JvmProcessBuilder.main(MAIN_CLASS).jvmArgs("-Xmx256m")
        .systemProperty("zookeeper.admin.enableServer", "false")
        .systemProperty("zookeeper.4lw.commands.whitelist", "ruok,srvr,stat")
        .args(dir.resolve("zoo.cfg").toString()).logFile(logFile()).commandPrefix(commandPrefix));
    return this;
  }

  /** Stops it if it runs (SIGTERM, then SIGKILL) and starts it again with the same address and data. */
  public synchronized ZooKeeperMember restart() throws IOException, InterruptedException {
    stop();
    return start();
  }

  /** "leader", "follower" or "standalone" when it serves clients in a quorum; empty otherwise. */
  public Optional<String> mode() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address.host(), address.clientPort()), 500);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (line.startsWith("Mode: ")) {
          return Optional.of(line.substring("Mode: ".length()).trim());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Polls until this member serves in a quorum. */
  public ZooKeeperMember awaitServing(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      checkRunning(logFile());
      if (mode().isPresent()) {
        return this;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(description() + " did not join a quorum within " + timeout + "; last lines of "
        + logFile() + ":\n" + ChildProcess.tail(logFile(), 30));
  }

  public int myid() {
    return myid;
  }

  public Address address() {
    return address;
  }

  public Path logFile() {
    return dir.resolve("zookeeper.log");
  }

  @Override
  protected String description() {
    return "ZooKeeper member " + myid + " (" + address.clientAddress() + ")";
  }
}
