package io.tributary.log.cluster;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * What a starting broker does about a registration of its {@code broker.id} that another ZooKeeper session
 * holds. A live broker's registration is never taken over. A registration whose broker refuses TCP
 * connections at its registered address was left by a stopped process (killed before ZooKeeper expired
 * its session: a live broker registers only after its listener is bound, and closes its session after
 * the listener) and is replaced at once, so a restart does not wait for the old session to expire.
 * When neither is clear (no answer, or a registration that does not decode), the broker waits for the
 * session to expire and, past the deadline, refuses to start.
 */
final class ExistingRegistration {
  /** How long the probe of a registered address waits for an answer. */
  static final int PROBE_TIMEOUT_MS = 2_000;

  enum Probe { LISTENING, REFUSED, NO_ANSWER }

  enum Action { REPLACE_STALE, WAIT, REFUSE }

  private ExistingRegistration() {}

  /** The decision, from the probe of the registered address and whether the wait for expiry is over. */
  static Action decide(Probe probe, boolean waitedLongEnough) {
    return switch (probe) {
      case LISTENING -> Action.REFUSE;
      case REFUSED -> Action.REPLACE_STALE;
      case NO_ANSWER -> waitedLongEnough ? Action.REFUSE : Action.WAIT;
    };
  }

  /** Whether something accepts TCP connections at the registered address (null: the registration did not decode). */
  static Probe probe(BrokerInfo registered) {
    return probe(registered, PROBE_TIMEOUT_MS);
  }

  /** {@link #probe(BrokerInfo)}, waiting at most {@code timeoutMs} for an answer. */
  static Probe probe(BrokerInfo registered, int timeoutMs) {
    if (registered == null) {
      return Probe.NO_ANSWER;
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(registered.host(), registered.port()), timeoutMs);
      return Probe.LISTENING;
    } catch (ConnectException refused) {
      return Probe.REFUSED;
    } catch (IOException | IllegalArgumentException | SecurityException e) {
      return Probe.NO_ANSWER; // a timeout, an unreachable host, an unknown name: nothing is known of the broker
    }
  }
}
