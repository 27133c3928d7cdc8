package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

/** {@code local start/status/stop} with real background processes on ports free at test time. */
@Timeout(240)
class LocalClusterTest {
  @TempDir Path tmp;

  /** Every pid seen, SIGKILLed after the test whatever happened (a failed assertion must not leak JVMs). */
  private final List<Long> pids = new ArrayList<>();

  @AfterEach
  void stopWhateverIsLeft() {
    Cli.run("local", "stop", "--dir", tmp.resolve("cluster").toString(), "--timeout-s", "5");
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  void startStatusStop() throws Exception {
    Path dir = tmp.resolve("cluster");
    String zkPort = null;
    int brokerPort = 0;
    int registryPort = 0;
    Cli.Result start = null;
    StringBuilder attempts = new StringBuilder();
    // Free ports come from the ephemeral range: another process's client socket may take one meanwhile.
    for (int attempt = 0; attempt < 3; attempt++) {
      zkPort = Integer.toString(BrokerProcess.freePort());
      do {
        brokerPort = BrokerProcess.freePort();
      } while (Integer.toString(brokerPort).equals(zkPort));
      do {
        registryPort = BrokerProcess.freePort();
      } while (registryPort == brokerPort || Integer.toString(registryPort).equals(zkPort));
      start = Cli.run("local", "start", "--brokers", "1", "--dir", dir.toString(),
          "--zookeeper-port", zkPort, "--base-port", Integer.toString(brokerPort),
          "--registry-port", Integer.toString(registryPort), "--timeout-s", "90");
      attempts.append(start).append('\n');
      if (start.code() == 0 || !start.err().contains("is in use")) {
        break;
      }
    }
    assertEquals(0, start.code(), attempts.toString());
    assertTrue(start.out().contains("bootstrap servers: 127.0.0.1:" + brokerPort), start.toString());
    assertTrue(start.out().contains("schema registry: http://127.0.0.1:" + registryPort), start.toString());
    pids.add(Long.parseLong(Files.readString(dir.resolve("registry.pid")).trim()));
    java.net.HttpURLConnection subjects = (java.net.HttpURLConnection)
        new java.net.URL("http://127.0.0.1:" + registryPort + "/subjects").openConnection();
    assertEquals(200, subjects.getResponseCode(), "the local cluster's registry serves the REST API");
    long brokerPid = Long.parseLong(Files.readString(dir.resolve("broker-0.pid")).trim());
    long zkPid = Long.parseLong(Files.readString(dir.resolve("zookeeper.pid")).trim());
    pids.add(brokerPid);
    pids.add(zkPid);
    assertTrue(ProcessHandle.of(brokerPid).map(ProcessHandle::isAlive).orElse(false));
    assertTrue(Files.readString(dir.resolve("broker-0/server.properties")).contains("zookeeper.connect=127.0.0.1:" + zkPort));

    Cli.Result again = Cli.run("local", "start", "--dir", dir.toString(), "--zookeeper-port", zkPort,
        "--base-port", Integer.toString(brokerPort));
    assertNotEquals(0, again.code(), again.toString());
    assertTrue(again.err().contains("already running in " + dir), again.toString());

    String bootstrap = "127.0.0.1:" + brokerPort;
    int brokerPortFinal = brokerPort;
    String zkPortFinal = zkPort;
    Cli.Result create = Cli.run("topic", "create", "orders", "-p", "2", "--bootstrap", bootstrap);
    assertEquals(0, create.code(), create.toString());

    Cli.Result status = Cli.run("local", "status", "--dir", dir.toString());
    assertEquals(0, status.code(), status.toString());
    assertTrue(status.out().lines().anyMatch(l -> l.matches("\\s*broker-0\\s+" + brokerPid + "\\s+127.0.0.1:"
        + brokerPortFinal + "\\s+running")), status.toString());
    assertTrue(status.out().lines().anyMatch(l -> l.matches("\\s*zookeeper\\s+" + zkPid + "\\s+127.0.0.1:"
        + zkPortFinal + "\\s+running")), status.toString());
    assertTrue(status.out().lines().anyMatch(l -> l.matches("orders\\s+1\\s+0\\s+\\[0\\]\\s+\\[0\\]")), status.toString());

    Cli.Result stop = Cli.run("local", "stop", "--dir", dir.toString());
    assertEquals(0, stop.code(), stop.toString());
    assertTrue(stop.out().contains("stopped broker-0 (pid " + brokerPid + ")"), stop.toString());
    assertTrue(stop.out().contains("stopped zookeeper (pid " + zkPid + ")"), stop.toString());
    assertFalse(ProcessHandle.of(brokerPid).map(ProcessHandle::isAlive).orElse(false));
    assertFalse(ProcessHandle.of(zkPid).map(ProcessHandle::isAlive).orElse(false));
    assertFalse(Files.exists(dir.resolve("broker-0.pid")));

    Cli.Result after = Cli.run("local", "status", "--dir", dir.toString());
    assertEquals(1, after.code(), after.toString());
    assertTrue(after.out().contains("stopped"), after.toString());
  }
}
