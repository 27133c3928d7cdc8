package io.tributary.log.network;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The connections a listener has open, in all and per address, checked against its
 * {@link ConnectionLimits}. Called from every event loop (a connection is counted on the loop that
 * registers it and uncounted when it closes), hence synchronized; the work inside is a map update.
 */
final class ConnectionQuotas {
  private final ConnectionLimits limits;
  private final Map<InetAddress, Integer> openPerAddress = new HashMap<>();
  private int openInAll;

  ConnectionQuotas(ConnectionLimits limits) {
    this.limits = limits;
  }

  /** Counts a new connection from {@code address}, or returns the limit refusing it (then nothing is counted). */
  synchronized ConnectionLimits.Refusal tryOpen(InetAddress address) {
    ConnectionLimits.Refusal refusal = limits.refusal(openInAll, openPerAddress.getOrDefault(address, 0), address);
    if (refusal == null) {
      openInAll++;
      openPerAddress.merge(address, 1, Integer::sum);
    }
    return refusal;
  }

  /** Uncounts a connection {@link #tryOpen} accepted. */
  synchronized void closed(InetAddress address) {
    Integer open = openPerAddress.get(address);
    if (open == null || openInAll <= 0) {
      throw new IllegalStateException("closed() for " + address + " without an open connection counted");
    }
    openInAll--;
    if (open == 1) {
      openPerAddress.remove(address);
    } else {
      openPerAddress.put(address, open - 1);
    }
  }

  synchronized int openInAll() {
    return openInAll;
  }

  synchronized int openFrom(InetAddress address) {
    return openPerAddress.getOrDefault(address, 0);
  }
}
