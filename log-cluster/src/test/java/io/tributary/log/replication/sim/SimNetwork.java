package io.tributary.log.replication.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeSet;

/**
 * The simulated network: when (if ever) a message sent now arrives. Between replicas (and the producing
 * client) messages are delayed by a random time, so they overtake each other, may be dropped, and are
 * lost while the link is cut. ZooKeeper's links only delay, in order per receiver (a session's watches
 * and replies arrive in order).
 */
final class SimNetwork {
  /** The longest delay of one message between replicas, in simulated milliseconds. */
  static final int MAX_DELAY_MS = 8;
  /** The longest delay of a ZooKeeper write or watch, in simulated milliseconds. */
  static final int MAX_ZK_DELAY_MS = 15;

  private final Random random;
  private final TreeSet<Long> cutLinks = new TreeSet<>();
  private final Map<Integer, Long> lastZkDelivery = new HashMap<>();
  private double dropRate;

  SimNetwork(Random random) {
    this.random = random;
  }

  private static long link(int a, int b) {
    return (long) Math.min(a, b) << 32 | (Math.max(a, b) & 0xffffffffL);
  }

  void cut(int a, int b) {
    cutLinks.add(link(a, b));
  }

  void heal(int a, int b) {
    cutLinks.remove(link(a, b));
  }

  void healAll() {
    cutLinks.clear();
  }

  boolean isCut(int a, int b) {
    return cutLinks.contains(link(a, b));
  }

  int cutCount() {
    return cutLinks.size();
  }

  void dropRate(double rate) {
    this.dropRate = rate;
  }

  double dropRate() {
    return dropRate;
  }

  /** The arrival time of a message sent at {@code nowMs}, or empty when it is lost. */
  OptionalLong deliveryTime(int from, int to, long nowMs) {
    if (from == ReplicationSimulation.ZK || to == ReplicationSimulation.ZK) {
      int receiver = to;
      long at = Math.max(nowMs + 1 + random.nextInt(MAX_ZK_DELAY_MS), lastZkDelivery.getOrDefault(receiver, 0L));
      lastZkDelivery.put(receiver, at);
      return OptionalLong.of(at);
    }
    if (isCut(from, to) || random.nextDouble() < dropRate) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(nowMs + 1 + random.nextInt(MAX_DELAY_MS));
  }
}
