package io.tributary.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * A real ZooKeeper ensemble of {@link ZooKeeperMember}s, each in its own JVM (a quorum of 3 survives the loss
 * of one member). Members are numbered from 1 (their {@code myid}); {@link #member(int)} takes the index 0..n-1.
 *
 * <pre>{@code
 * try (ZooKeeperEnsemble zk = ZooKeeperEnsemble.onLoopback(tmp.resolve("zk"), 3)) {
 *   ... "zookeeper.connect", zk.connectString() ... zk.member(0).kill9(); zk.member(0).start();
 * }
 * }</pre>
 */
public final class ZooKeeperEnsemble implements AutoCloseable {
  /** Generous: on a loaded machine three JVMs take a while to start and elect a leader. */
  public static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  public static final int CLIENT_PORT = 2181;
  public static final int QUORUM_PORT = 2888;
  public static final int ELECTION_PORT = 3888;

  private final List<ZooKeeperMember> members;

  private ZooKeeperEnsemble(List<ZooKeeperMember> members) {
    this.members = members;
  }

  /** {@code size} members on 127.0.0.1, each on free ports; started and serving. */
  public static ZooKeeperEnsemble onLoopback(Path dir, int size) throws IOException, InterruptedException {
    List<ZooKeeperMember.Address> addresses = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      addresses.add(new ZooKeeperMember.Address("127.0.0.1", Ports.freePort(), Ports.freePort(), Ports.freePort()));
    }
    return start(dir, addresses, i -> List.of());
  }

  /**
   * One member on each of {@code hosts} (standard ports), member i started behind {@code commandPrefix.apply(i)}
   * (e.g. {@code ip netns exec NS_i}); started and serving.
   */
  public static ZooKeeperEnsemble onHosts(Path dir, List<String> hosts, IntFunction<List<String>> commandPrefix)
      throws IOException, InterruptedException {
    List<ZooKeeperMember.Address> addresses = hosts.stream()
        .map(h -> new ZooKeeperMember.Address(h, CLIENT_PORT, QUORUM_PORT, ELECTION_PORT)).toList();
    return start(dir, addresses, commandPrefix);
  }

  private static ZooKeeperEnsemble start(Path dir, List<ZooKeeperMember.Address> addresses,
      IntFunction<List<String>> commandPrefix) throws IOException, InterruptedException {
    List<ZooKeeperMember> members = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      members.add(new ZooKeeperMember(dir.resolve("zk-" + (i + 1)), i + 1, addresses.get(i), addresses,
          commandPrefix.apply(i)));
    }
    ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(members);
    try {
      for (ZooKeeperMember m : members) {
        m.start();
      }
      ensemble.awaitAllServing(START_TIMEOUT);
    } catch (IOException | InterruptedException | RuntimeException e) {
      ensemble.close();
      throw e;
    }
    return ensemble;
  }

  /** Polls until every member serves in the quorum. */
  public void awaitAllServing(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ZooKeeperMember m : members) {
      m.awaitServing(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }
  }

  /** The member that leads the quorum now, if one does. */
  public Optional<ZooKeeperMember> leader() {
    return members.stream().filter(m -> m.mode().filter("leader"::equals).isPresent()).findFirst();
  }

  /** host:port,host:port,... of every member. */
  public String connectString() {
    return members.stream().map(m -> m.address().clientAddress()).collect(Collectors.joining(","));
  }

  public List<ZooKeeperMember> members() {
    return members;
  }

  public ZooKeeperMember member(int index) {
    return members.get(index);
  }

  public int size() {
    return members.size();
  }

  @Override
  public void close() {
    for (ZooKeeperMember m : members) {
      m.close();
    }
  }
}
