package io.tributary.connect.worker;

import java.io.File;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * A real ZooKeeper with a short tick (200 ms), so that sessions of a few seconds are allowed and expire quickly
 * (and long ones up to a minute too).
 */
final class TestZooKeeper {
  static final int TICK_MS = 200;

  private TestZooKeeper() {}

  static TestingServer start(File dir) throws Exception {
    return new TestingServer(new InstanceSpec(dir, -1, -1, -1, true, -1, TICK_MS, -1,
        java.util.Map.of("maxSessionTimeout", "60000")), true);
  }
}
