package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.ZooKeeperProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** testkit's child-process harness (BrokerProcess, ZooKeeperProcess): real JVMs, real signals. */
@Timeout(180)
class ProcessHarnessTest {
  @TempDir Path tmp;

  @Test
  void zookeeperProcessAnswersPausesAndDiesOnSigkill() throws Exception {
    try (ZooKeeperProcess zk = ZooKeeperProcess.start(tmp.resolve("zk"))) {
      assertTrue(zk.ruok(), "ruok after start");
      assertTrue(zk.connectString().startsWith("127.0.0.1:"));
      assertNotEquals(ProcessHandle.current().pid(), zk.pid());

      zk.sigstop();
      assertEquals("T", awaitProcState(zk.pid(), "T"), "SIGSTOP leaves the process stopped");
      assertFalse(zk.ruok(), "a stopped ZooKeeper does not answer");
      zk.sigcont();
      zk.awaitReady(Duration.ofSeconds(10));

      long pid = zk.pid();
      zk.kill9();
      assertFalse(zk.isAlive());
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

      zk.restart();
      assertTrue(zk.ruok(), "ruok after restart on the same port");
    }
  }

  @Test
  void brokerProcessStartsKillsAndRestarts() throws Exception {
    try (ZooKeeperProcess zk = ZooKeeperProcess.start(tmp.resolve("zk"));
        BrokerProcess broker = new BrokerProcess(tmp.resolve("b0"),
            Map.of("broker.id", "0", "zookeeper.connect", zk.connectString()))) {
      broker.start().awaitReady(Duration.ofSeconds(60));
      assertTrue(Files.exists(broker.logFile()));
      int port = broker.port();

      broker.sigstop();
      assertEquals("T", awaitProcState(broker.pid(), "T"));
      broker.sigcont();

      broker.kill9();
      // 128 + 9: the JVM was killed by SIGKILL, it did not exit on its own.
      assertEquals(137, broker.process().exitValue(), "destroyForcibly sends SIGKILL");

      broker.restart().awaitReady(Duration.ofSeconds(60));
      assertEquals(port, broker.port());
      assertEquals("127.0.0.1:" + port, broker.bootstrap());
    }
  }

  /** Signals are delivered asynchronously: poll the state for up to 5 s. */
  static String awaitProcState(long pid, String wanted) throws Exception {
    String state = procState(pid);
    for (int i = 0; i < 50 && !state.equals(wanted); i++) {
      Thread.sleep(100);
      state = procState(pid);
    }
    return state;
  }

  /** The state letter in /proc/PID/stat (R, S, T = stopped, ...). */
  static String procState(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  }
}
