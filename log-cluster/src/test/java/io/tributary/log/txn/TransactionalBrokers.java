package io.tributary.log.txn;

import io.tributary.log.embedded.BrokerRegistrations;
import io.tributary.testkit.BrokerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The three broker JVMs the exactly-once process tests run on: RF 3 and min.insync.replicas 2 everywhere, small
 * internal topics, no initial rebalance delay, and a stuck-transaction check every second.
 */
final class TransactionalBrokers {
  static final int COUNT = 3;
  /** Generous: a loaded machine (shared CI, many JVMs) takes minutes to start a broker that recovers its logs. */
  static final Duration START = Duration.ofMinutes(6);

  private TransactionalBrokers() {}

  /**
   * Adds {@link #COUNT} brokers under {@code dir} to {@code brokers} (so that the caller stops them even when a
   * start fails), starts them, waits until each sees all within {@code seeEachOther}; returns the bootstrap list.
   */
  static String start(String zookeeperConnect, Path dir, List<BrokerProcess> brokers, Duration seeEachOther)
      throws Exception {
    for (int id = 0; id < COUNT; id++) {
      brokers.add(new BrokerProcess(dir.resolve("broker-" + id), config(id, zookeeperConnect)));
    }
    for (BrokerProcess b : brokers) {
      b.start();
    }
    for (BrokerProcess b : brokers) {
      b.awaitReady(START);
    }
    BrokerRegistrations.awaitEachSeesAll(brokers.stream().map(BrokerProcess::port).toList(), seeEachOther);
    return brokers.stream().map(BrokerProcess::bootstrap).collect(Collectors.joining(","));
  }

  private static Map<String, String> config(int id, String zookeeperConnect) {
    return Map.ofEntries(
        Map.entry("broker.id", Integer.toString(id)), Map.entry("zookeeper.connect", zookeeperConnect),
        // 15 s, not 6: on a loaded machine a shorter session expires under a live broker.
        Map.entry("zookeeper.session.timeout.ms", "15000"), Map.entry("offsets.topic.num.partitions", "3"),
        Map.entry("offsets.topic.replication.factor", "3"), Map.entry("transaction.state.log.num.partitions", "3"),
        Map.entry("group.initial.rebalance.delay.ms", "0"), Map.entry("default.replication.factor", "3"),
        Map.entry("min.insync.replicas", "2"), Map.entry("replica.lag.time.max.ms", "10000"),
        Map.entry("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"));
  }
}
