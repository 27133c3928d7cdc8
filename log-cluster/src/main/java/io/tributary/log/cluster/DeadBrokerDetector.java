package io.tributary.log.cluster;

import io.tributary.log.cluster.ExistingRegistration.Probe;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controller-side liveness, run by every broker: probes the registered address of every other broker and,
 * once {@link BrokerLiveness} judges one dead (its listener refuses connections), deletes that broker's
 * ephemeral znodes — its registration and, if it was a controller candidate, its election node — instead of
 * waiting for ZooKeeper to expire its session ({@code zookeeper.session.timeout.ms}, 18 s by default). The
 * controller then reacts exactly as to an expired session: new leaders from the ISR, leader epochs bumped;
 * and a dead controller's successor is elected at once. A killed broker is so replaced in under a second on an idle machine.
 *
 * <p>Every broker runs one so that a dead controller is detected too; concurrent deletions of the same node
 * are harmless. Only znodes of the dead registration's own ZooKeeper session are deleted, after one more
 * refused probe, so a broker that restarted and registered again meanwhile keeps its registration.
 */
public final class DeadBrokerDetector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeadBrokerDetector.class);
  /** The pause between two rounds of probes: with {@link BrokerLiveness#REFUSALS_BEFORE_DEAD}, 0.5 to 0.75 s to a verdict. */
  static final long PROBE_INTERVAL_MS = 250;
  /** How long one probe waits for an answer; a slower broker counts as not answering (not as dead). */
  static final int PROBE_TIMEOUT_MS = 1_000;

  private final CuratorFramework zk;
  private final MetadataCache metadata;
  private final int brokerId;
  private final BrokerLiveness liveness = new BrokerLiveness();
  private final ScheduledExecutorService prober;

  public DeadBrokerDetector(CuratorFramework zk, MetadataCache metadata, int brokerId) {
    this.zk = zk;
    this.metadata = metadata;
    this.brokerId = brokerId;
    this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dead-broker-detector-" + brokerId);
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    prober.scheduleWithFixedDelay(this::probeRound, PROBE_INTERVAL_MS, PROBE_INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  private void probeRound() {
    try {
      Map<Integer, BrokerInfo> others = new HashMap<>(metadata.image().brokers());
      others.remove(brokerId);
      Map<Integer, Probe> round = new HashMap<>();
      others.forEach((id, info) -> round.put(id, ExistingRegistration.probe(info, PROBE_TIMEOUT_MS)));
      for (int dead : liveness.observe(round)) {
        deregister(others.get(dead));
      }
    } catch (Exception e) {
      // A ZooKeeper error: the next round tries again (and the session timeout still applies).
      log.warn("broker {} could not complete a round of liveness probes: {}", brokerId, e.toString());
    }
  }

  /** Deletes the ephemeral znodes of the dead broker's session, if its registration is still that one. */
  private void deregister(BrokerInfo dead) throws Exception {
    String path = ZkPaths.broker(dead.id());
    Stat stat = zk.checkExists().forPath(path);
    if (stat == null || ExistingRegistration.probe(dead, PROBE_TIMEOUT_MS) != Probe.REFUSED) {
      return; // already gone, or a restarted broker listens again
    }
    long session = stat.getEphemeralOwner();
    log.warn("broker {} refuses connections at {}: deleting its registration (ZooKeeper session 0x{}) without waiting"
        + " for the session to expire", dead.id(), dead.address(), Long.toHexString(session));
    deleteIfOwnedBy(path, session);
    List<String> candidates = zk.getChildren().forPath(ZkPaths.CONTROLLER);
    for (String candidate : candidates) {
      deleteIfOwnedBy(ZkPaths.CONTROLLER + "/" + candidate, session);
    }
  }

  private void deleteIfOwnedBy(String path, long session) throws Exception {
    Stat stat = zk.checkExists().forPath(path);
    if (stat == null || stat.getEphemeralOwner() != session) {
      return;
    }
    try {
      zk.delete().withVersion(stat.getVersion()).forPath(path);
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
      // deleted by another broker's detector, or expired, meanwhile
    }
  }

  @Override
  public void close() {
    prober.shutdownNow();
  }
}
