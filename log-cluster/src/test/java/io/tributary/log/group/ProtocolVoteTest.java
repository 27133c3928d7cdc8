package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Kafka's protocol vote of a classic group, from a table of members' preferences. */
class ProtocolVoteTest {

  record VoteCase(String name, List<String> leader, List<List<String>> members, String selected) {}

  @Test
  void onlyAProtocolEveryMemberSupportsWinsByVotesThenByTheLeadersOrder() {
    List<VoteCase> cases = List.of(
        new VoteCase("one member: its first protocol", List.of("range", "sticky"),
            List.of(List.of("range", "sticky")), "range"),
        new VoteCase("most first choices win over the leader's preference", List.of("range", "sticky"),
            List.of(List.of("range", "sticky"), List.of("sticky", "range"), List.of("sticky", "range")), "sticky"),
        new VoteCase("a tie goes to the leader's order", List.of("sticky", "range"),
            List.of(List.of("sticky", "range"), List.of("range", "sticky")), "sticky"),
        new VoteCase("a first choice not everyone supports votes for the next shared one", List.of("range", "sticky"),
            List.of(List.of("range", "sticky"), List.of("roundrobin", "sticky", "range"), List.of("sticky", "range")),
            "sticky"),
        new VoteCase("nothing shared: no protocol", List.of("range"),
            List.of(List.of("range"), List.of("sticky")), null));
    for (VoteCase c : cases) {
      assertEquals(c.selected(), ProtocolVote.select(c.leader(), c.members()), c.name());
    }
  }

  record ShareCase(List<String> offered, List<List<String>> members, boolean shares) {}

  @Test
  void aJoiningMemberMustShareOneProtocolWithEveryMember() {
    List<ShareCase> cases = List.of(
        new ShareCase(List.of("range"), List.of(List.of("range", "sticky"), List.of("range")), true),
        new ShareCase(List.of("roundrobin", "sticky"), List.of(List.of("range", "sticky"), List.of("sticky")), true),
        new ShareCase(List.of("sticky"), List.of(List.of("range", "sticky"), List.of("range")), false),
        new ShareCase(List.of(), List.of(List.of("range")), false));
    for (ShareCase c : cases) {
      assertEquals(c.shares(), ProtocolVote.sharesOne(c.offered(), c.members()), c.toString());
    }
  }
}
