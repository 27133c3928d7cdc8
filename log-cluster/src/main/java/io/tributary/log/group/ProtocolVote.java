package io.tributary.log.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka's choice of a classic group's protocol (e.g. the partition assignor): only a protocol every
 * member supports can win; each member votes for the first of those in its own order of preference;
 * most votes wins, a tie goes to the leader's order of preference. Pure, over protocol names.
 */
final class ProtocolVote {

  private ProtocolVote() {}

  /**
   * The winner, or null if the members share no protocol.
   *
   * @param leaderOrder the leader's protocols, most preferred first
   * @param memberOrders every member's protocols (the leader's included), most preferred first
   */
  static String select(Collection<String> leaderOrder, Collection<? extends Collection<String>> memberOrders) {
    List<String> candidates = new ArrayList<>();
    for (String p : leaderOrder) {
      if (memberOrders.stream().allMatch(m -> m.contains(p))) {
        candidates.add(p);
      }
    }
    if (candidates.isEmpty()) {
      return null;
    }
    Map<String, Integer> votes = new HashMap<>();
    for (Collection<String> order : memberOrders) {
      for (String p : order) {
        if (candidates.contains(p)) {
          votes.merge(p, 1, Integer::sum);
          break;
        }
      }
    }
    String best = candidates.get(0);
    for (String p : candidates) {
      if (votes.getOrDefault(p, 0) > votes.getOrDefault(best, 0)) {
        best = p;
      }
    }
    return best;
  }

  /** Whether a joining member's protocols leave the group at least one protocol every member supports. */
  static boolean sharesOne(Collection<String> offered, Collection<? extends Collection<String>> memberOrders) {
    for (String p : offered) {
      if (memberOrders.stream().allMatch(m -> m.contains(p))) {
        return true;
      }
    }
    return false;
  }
}
