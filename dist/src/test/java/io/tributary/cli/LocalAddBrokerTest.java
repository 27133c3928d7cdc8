package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.testkit.BrokerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local add-broker} with real background processes: a second broker joins a running one-broker cluster,
 * registers (status lists it, the cluster describes it), takes replicas of a new topic, and {@code local stop}
 * stops it with the rest.
 */
@Timeout(300)
class LocalAddBrokerTest {
  /** A replica list (or ISR) of both brokers, as {@code local status} prints it. */
  static final String BOTH = "\\[(0,1|1,0)\\]";

  @TempDir Path tmp;

  /** Every pid seen, SIGKILLed after the test whatever happened (a failed assertion must not leak JVMs). */
  private final List<Long> pids = new ArrayList<>();

  @AfterEach
  void stopWhateverIsLeft() {
    Cli.run("local", "stop", "--dir", tmp.resolve("cluster").toString(), "--timeout-s", "5");
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  void addedBrokerRegistersTakesNewPartitionsAndStopsWithTheCluster() throws Exception {
    Path dir = tmp.resolve("cluster");
    Cli.Result start = null;
    int brokerPort = 0;
    StringBuilder attempts = new StringBuilder();
    // Free ports come from the ephemeral range: another process's client socket may take one meanwhile.
    for (int attempt = 0; attempt < 3; attempt++) {
      int zkPort = BrokerProcess.freePort();
      do {
        brokerPort = BrokerProcess.freePort();
      } while (brokerPort == zkPort || brokerPort + 1 == zkPort);
      start = Cli.run("local", "start", "--brokers", "1", "--no-registry", "--no-console", "--dir", dir.toString(),
          "--zookeeper-port", Integer.toString(zkPort), "--base-port", Integer.toString(brokerPort), "--timeout-s", "90");
      attempts.append(start).append('\n');
      if (start.code() == 0 || !start.err().contains("is in use")) {
        break;
      }
    }
    assertEquals(0, start.code(), attempts.toString());
    pids.add(pid(dir, "broker-0"));
    pids.add(pid(dir, "zookeeper"));

    Cli.Result add = Cli.run("local", "add-broker", "--dir", dir.toString(), "--timeout-s", "90");

    assertEquals(0, add.code(), add.toString());
    long addedPid = pid(dir, "broker-1");
    pids.add(addedPid);
    int addedPort = brokerPort + 1;
    assertTrue(add.out().contains("added broker 1 at 127.0.0.1:" + addedPort + " (pid " + addedPid), add.toString());
    assertTrue(add.out().contains("bootstrap servers: 127.0.0.1:" + brokerPort + ",127.0.0.1:" + addedPort), add.toString());
    assertTrue(Files.readString(dir.resolve("broker-1/server.properties")).contains("broker.id=1"));

    // Replication factor 2 needs both brokers: the new one takes a replica of every partition.
    Cli.Result create = Cli.run("topic", "create", "grown", "-p", "2", "-r", "2", "--bootstrap", "127.0.0.1:" + brokerPort);
    assertEquals(0, create.code(), create.toString());
    Cli.Result status = awaitStatus(dir, "grown\\s+1\\s+\\d\\s+" + BOTH + "\\s+" + BOTH);
    assertTrue(status.out().lines().anyMatch(l -> l.matches("\\s*broker-1\\s+" + addedPid + "\\s+127.0.0.1:" + addedPort
        + "\\s+running")), status.toString());
    assertTrue(status.out().contains("brokers: 0@127.0.0.1:" + brokerPort + " 1@127.0.0.1:" + addedPort), status.toString());
    assertTrue(status.out().lines().anyMatch(l -> l.matches("grown\\s+0\\s+\\d\\s+" + BOTH + "\\s+" + BOTH)),
        "both replicas in sync: " + status);

    Cli.Result stop = Cli.run("local", "stop", "--dir", dir.toString());
    assertEquals(0, stop.code(), stop.toString());
    assertTrue(stop.out().contains("stopped broker-1 (pid " + addedPid + ")"), stop.toString());
    assertFalse(ProcessHandle.of(addedPid).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void withoutARunningClusterTheErrorSaysWhatToDo() {
    Cli.Result add = Cli.run("local", "add-broker", "--dir", tmp.resolve("none").toString());
    assertEquals(1, add.code(), add.toString());
    assertTrue(add.err().contains("no local cluster in " + tmp.resolve("none") + "; start one with ./tributary local start"),
        add.toString());
  }

  private static long pid(Path dir, String node) throws Exception {
    return Long.parseLong(Files.readString(dir.resolve(node + ".pid")).trim());
  }

  /** {@code local status} once a line matches {@code line} (the ISR grows asynchronously), for up to 60 s. */
  private static Cli.Result awaitStatus(Path dir, String line) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      Cli.Result status = Cli.run("local", "status", "--dir", dir.toString());
      if (status.code() == 0 && status.out().lines().anyMatch(l -> l.matches(line))) {
        return status;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("no status line matching " + line + " within 60 s:\n" + status);
      }
      Thread.sleep(500);
    }
  }
}
