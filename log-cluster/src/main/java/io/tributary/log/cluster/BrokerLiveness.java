package io.tributary.log.cluster;

import io.tributary.log.cluster.ExistingRegistration.Probe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which registered brokers are dead, judged from rounds of TCP probes of their registered addresses. A
 * broker is dead once its address has refused {@value #REFUSALS_BEFORE_DEAD} probes in a row after it was
 * seen listening: a live broker binds its listener before it registers and closes it only on the way out,
 * so a refused connection means no process listens there — a crash, not a pause. A frozen, overloaded or
 * unreachable broker does not refuse (the kernel still accepts, or nothing answers at all): that is left
 * to the ZooKeeper session timeout, so a busy machine causes no false failover. An address never seen
 * listening (a wrong advertised listener) is never judged.
 *
 * <p>Pure state: the probes are passed in; not thread-safe (one prober thread owns it).
 */
final class BrokerLiveness {
  /** Refused probes in a row that make a broker dead: a margin against one odd refusal (a live listener never refuses). */
  static final int REFUSALS_BEFORE_DEAD = 3;

  private static final class Peer {
    boolean seenListening;
    int refusalsInARow;
  }

  private final Map<Integer, Peer> peers = new HashMap<>();

  /**
   * Takes one round of probes (broker id to the probe of its registered address; brokers no longer
   * registered are forgotten) and returns the brokers judged dead, in id order. A dead broker is returned
   * again by every later round until its registration is gone.
   */
  List<Integer> observe(Map<Integer, Probe> round) {
    peers.keySet().retainAll(round.keySet());
    List<Integer> dead = new ArrayList<>();
    round.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      Peer peer = peers.computeIfAbsent(e.getKey(), id -> new Peer());
      switch (e.getValue()) {
        case LISTENING -> {
          peer.seenListening = true;
          peer.refusalsInARow = 0;
        }
        case NO_ANSWER -> peer.refusalsInARow = 0;
        case REFUSED -> {
          if (peer.seenListening) {
            peer.refusalsInARow++;
          }
        }
      }
      if (peer.refusalsInARow >= REFUSALS_BEFORE_DEAD) {
        dead.add(e.getKey());
      }
    });
    return dead;
  }
}
