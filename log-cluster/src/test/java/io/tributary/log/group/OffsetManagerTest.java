package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.group.ClassicGroup.MemberSnapshot;
import io.tributary.log.group.ClassicGroup.Snapshot;
import io.tributary.log.group.OffsetManager.CommitRequest;
import io.tributary.log.group.OffsetManager.Fetched;
import io.tributary.log.group.OffsetManager.LoadedGroup;
import io.tributary.log.group.OffsetsTopicFormat.CommittedOffset;
import io.tributary.log.group.OffsetsTopicFormat.Entry;
import io.tributary.log.group.OffsetsTopicFormat.GroupEntry;
import io.tributary.log.group.OffsetsTopicFormat.OffsetEntry;
import io.tributary.log.group.OffsetsTopicFormat.Unknown;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The pure offset decisions, from tables of cases: replay, retention, commit checks, unstable commits. */
class OffsetManagerTest {
  static final TopicPartition P0 = new TopicPartition("orders", 0);
  static final TopicPartition P1 = new TopicPartition("orders", 1);
  static final long NOW_MS = 1_000_000;

  static CommittedOffset at(long offset, long timestampMs) {
    return new CommittedOffset(offset, 0, "", timestampMs);
  }

  static OffsetEntry commit(String group, TopicPartition tp, long offset, long timestampMs) {
    return new OffsetEntry(group, tp, at(offset, timestampMs));
  }

  static OffsetEntry offsetTombstone(String group, TopicPartition tp) {
    return new OffsetEntry(group, tp, null);
  }

  static GroupEntry metadata(String group, int generation) {
    return new GroupEntry(group, new Snapshot(group, generation, null, null, null, 10L, List.of()));
  }

  static GroupEntry groupTombstone(String group) {
    return new GroupEntry(group, null);
  }

  // ---------------------------------------------------------------- replay

  /** Expected state of one group after a replay; {@code generation} -1 = known by its offsets only. */
  record Expected(int generation, Map<TopicPartition, CommittedOffset> offsets, long emptySinceMs) {}

  record ReplayCase(String name, List<Entry> entries, Map<String, Expected> groups) {}

  @Test
  void replayKeepsTheLatestRecordPerKeyAndTombstonesDelete() {
    List<ReplayCase> cases = List.of(
        new ReplayCase("a later commit of the same partition wins",
            List.of(commit("g", P0, 5, 100), commit("g", P0, 9, 200)),
            Map.of("g", new Expected(-1, Map.of(P0, at(9, 200)), 200))),
        new ReplayCase("an offset tombstone deletes that partition only",
            List.of(commit("g", P0, 5, 100), commit("g", P1, 7, 150), offsetTombstone("g", P0)),
            Map.of("g", new Expected(-1, Map.of(P1, at(7, 150)), 150))),
        new ReplayCase("a group whose every offset was tombstoned and that has no metadata is gone",
            List.of(commit("g", P0, 5, 100), offsetTombstone("g", P0)),
            Map.of()),
        new ReplayCase("a deleted group (group and offset tombstones) is gone",
            List.of(metadata("g", 3), commit("g", P0, 5, 100), offsetTombstone("g", P0), groupTombstone("g")),
            Map.of()),
        new ReplayCase("a group deleted then re-created comes back with its new metadata",
            List.of(metadata("g", 3), groupTombstone("g"), metadata("g", 1)),
            Map.of("g", new Expected(1, Map.of(), NOW_MS))),
        new ReplayCase("a group tombstone keeps offsets committed without a group record",
            List.of(metadata("g", 2), commit("g", P0, 5, 100), groupTombstone("g")),
            Map.of("g", new Expected(-1, Map.of(P0, at(5, 100)), 100))),
        new ReplayCase("empty since its latest commit, never later than now",
            List.of(commit("g", P0, 5, 100), commit("g", P1, 6, NOW_MS + 5_000)),
            Map.of("g", new Expected(-1, Map.of(P0, at(5, 100), P1, at(6, NOW_MS + 5_000)), NOW_MS))),
        new ReplayCase("unknown records are skipped",
            List.of(new Unknown("unknown record type 'txn'"), commit("g", P0, 5, 100)),
            Map.of("g", new Expected(-1, Map.of(P0, at(5, 100)), 100))),
        new ReplayCase("groups are independent",
            List.of(commit("a", P0, 1, 100), commit("b", P0, 2, 200), groupTombstone("a")),
            Map.of("a", new Expected(-1, Map.of(P0, at(1, 100)), 100),
                "b", new Expected(-1, Map.of(P0, at(2, 200)), 200))));
    for (ReplayCase c : cases) {
      OffsetManager.Replay replay = new OffsetManager.Replay();
      c.entries().forEach(replay::apply);
      Map<String, Expected> actual = new HashMap<>();
      for (LoadedGroup g : replay.groups(NOW_MS)) {
        actual.put(g.groupId(), new Expected(g.snapshot() == null ? -1 : g.snapshot().generationId(), g.offsets(),
            g.emptySinceMs()));
      }
      assertEquals(c.groups(), actual, c.name());
    }
  }

  @Test
  void restoredOffsetsAreServedAndForgottenWithTheirGroup() {
    OffsetManager offsets = new OffsetManager(60_000);
    offsets.restore("g", Map.of(P0, at(5, 100)));
    assertEquals(Map.of(P0, at(5, 100)), offsets.committed("g"));
    offsets.forget("g");
    assertEquals(Map.of(), offsets.committed("g"));
    assertTrue(offsets.holdsNothing("g"));
  }

  // ---------------------------------------------------------------- retention

  record ExpiryCase(String name, GroupState state, long stateSinceMs, List<Long> commitTimestampsMs,
                    boolean commitInFlight, long nowMs, boolean expired) {}

  @Test
  void offsetsExpireOnceTheGroupHasBeenEmptyForTheRetention() {
    long retentionMs = 500;
    List<ExpiryCase> cases = List.of(
        new ExpiryCase("empty, just under the retention since the last commit", GroupState.EMPTY, 0, List.of(1_000L),
            false, 1_499, false),
        new ExpiryCase("empty, exactly the retention since the last commit", GroupState.EMPTY, 0, List.of(1_000L),
            false, 1_500, true),
        new ExpiryCase("the latest of several commits counts", GroupState.EMPTY, 0, List.of(1_000L, 1_200L, 100L),
            false, 1_600, false),
        new ExpiryCase("became empty after the last commit: counted from then", GroupState.EMPTY, 2_000, List.of(1_000L),
            false, 2_400, false),
        new ExpiryCase("empty group without offsets, old enough", GroupState.EMPTY, 0, List.of(), false, 500, true),
        new ExpiryCase("an active group never expires", GroupState.STABLE, 0, List.of(1L), false, 1_000_000, false),
        new ExpiryCase("a rebalancing group never expires", GroupState.PREPARING_REBALANCE, 0, List.of(1L), false,
            1_000_000, false),
        new ExpiryCase("a commit in flight holds the expiry back", GroupState.EMPTY, 0, List.of(1L), true, 1_000_000,
            false));
    for (ExpiryCase c : cases) {
      OffsetManager offsets = new OffsetManager(retentionMs);
      Map<TopicPartition, CommittedOffset> committed = new HashMap<>();
      for (int i = 0; i < c.commitTimestampsMs().size(); i++) {
        committed.put(new TopicPartition("t", i), at(i, c.commitTimestampsMs().get(i)));
      }
      offsets.restore("g", committed);
      if (c.commitInFlight()) {
        offsets.beginCommit("g", List.of(P0));
      }
      assertEquals(c.expired(), offsets.expired("g", c.state(), c.stateSinceMs(), c.nowMs()), c.name());
    }
  }

  @Test
  void zeroRetentionExpiresAnEmptyGroupAtOnce() {
    OffsetManager offsets = new OffsetManager(0);
    offsets.restore("g", Map.of(P0, at(5, NOW_MS)));
    assertTrue(offsets.expired("g", GroupState.EMPTY, NOW_MS, NOW_MS));
  }

  // ---------------------------------------------------------------- commits

  record PartitionCase(boolean partitionExists, String metadata, Errors error) {}

  @Test
  void eachPartitionOfAnAcceptedCommitIsChecked() {
    String longest = "m".repeat(OffsetManager.METADATA_MAX_CHARS);
    List<PartitionCase> cases = List.of(
        new PartitionCase(true, null, Errors.NONE),
        new PartitionCase(true, "", Errors.NONE),
        new PartitionCase(true, longest, Errors.NONE),
        new PartitionCase(true, longest + "m", Errors.OFFSET_METADATA_TOO_LARGE),
        new PartitionCase(false, "", Errors.UNKNOWN_TOPIC_OR_PARTITION),
        new PartitionCase(false, longest + "m", Errors.UNKNOWN_TOPIC_OR_PARTITION));
    for (PartitionCase c : cases) {
      assertEquals(c.error(), OffsetManager.validate(c.partitionExists(), c.metadata()), c.toString());
    }
  }

  record StoredCase(String name, CommitRequest request, CommittedOffset stored) {}

  @Test
  void theStoredOffsetTakesTheClientsTimestampOnlyIfItSentOne() {
    List<StoredCase> cases = List.of(
        new StoredCase("no client timestamp: the broker's clock", new CommitRequest(5, 2, "m", -1),
            new CommittedOffset(5, 2, "m", NOW_MS)),
        new StoredCase("a client timestamp (v1) is kept", new CommitRequest(5, 2, "m", 77),
            new CommittedOffset(5, 2, "m", 77)),
        new StoredCase("null metadata is stored as empty", new CommitRequest(5, -1, null, -1),
            new CommittedOffset(5, -1, "", NOW_MS)));
    for (StoredCase c : cases) {
      assertEquals(c.stored(), OffsetManager.toCommitted(c.request(), NOW_MS), c.name());
    }
  }

  record CommitStep(String name, Consumer<OffsetManager> action, boolean requireStable, Fetched expected) {}

  @Test
  void aCommitIsUnstableUntilItsAppendEndsAndAppliedOnlyIfDurable() {
    Map<TopicPartition, CommittedOffset> first = Map.of(P0, at(10, 1));
    Map<TopicPartition, CommittedOffset> second = Map.of(P0, at(20, 2));
    OffsetManager offsets = new OffsetManager(60_000);
    List<CommitStep> steps = List.of(
        new CommitStep("nothing committed", m -> { }, true, new Fetched(P0, null, Errors.NONE)),
        new CommitStep("appended, not acknowledged: unstable", m -> m.beginCommit("g", first.keySet()), true,
            new Fetched(P0, null, Errors.UNSTABLE_OFFSET_COMMIT)),
        new CommitStep("without requireStable the last durable offset", m -> { }, false,
            new Fetched(P0, null, Errors.NONE)),
        new CommitStep("durable: applied", m -> m.endCommit("g", first, true), true, new Fetched(P0, at(10, 1), Errors.NONE)),
        new CommitStep("two commits in flight", m -> {
          m.beginCommit("g", second.keySet());
          m.beginCommit("g", second.keySet());
        }, true, new Fetched(P0, null, Errors.UNSTABLE_OFFSET_COMMIT)),
        new CommitStep("one of them failed: still unstable", m -> m.endCommit("g", second, false), true,
            new Fetched(P0, null, Errors.UNSTABLE_OFFSET_COMMIT)),
        new CommitStep("the other failed too: the first offset stays", m -> m.endCommit("g", second, false), true,
            new Fetched(P0, at(10, 1), Errors.NONE)),
        new CommitStep("deleted offsets are gone", m -> m.delete("g", List.of(P0)), true,
            new Fetched(P0, null, Errors.NONE)));
    for (CommitStep step : steps) {
      step.action().accept(offsets);
      assertEquals(List.of(step.expected()), offsets.fetch("g", Map.of("orders", List.of(0)), step.requireStable()),
          step.name());
    }
    assertTrue(offsets.holdsNothing("g"));
  }

  @Test
  void fetchingEverythingListsTheGroupsOffsetsSorted() {
    OffsetManager offsets = new OffsetManager(60_000);
    TopicPartition a = new TopicPartition("a", 3);
    offsets.restore("g", Map.of(P1, at(1, 1), a, at(2, 2), P0, at(3, 3)));
    assertEquals(List.of(new Fetched(a, at(2, 2), Errors.NONE), new Fetched(P0, at(3, 3), Errors.NONE),
        new Fetched(P1, at(1, 1), Errors.NONE)), offsets.fetch("g", null, true));
    assertEquals(List.of(), offsets.fetch("unknown", null, true));
  }

  record MemberCommitCase(String name, String memberId, String groupInstanceId, int generation, Errors error) {}

  /** Whether the group accepts a commit (ClassicGroup decides, the offset manager stores): a Stable group at generation 3. */
  @Test
  void aMembersCommitNeedsItsCurrentGeneration() {
    LinkedHashMap<String, byte[]> protocols = new LinkedHashMap<>();
    protocols.put("range", new byte[0]);
    Snapshot stable = new Snapshot("g", 3, "consumer", "range", "m-1", 0L, List.of(
        new MemberSnapshot("m-1", null, "c", "/h", 10_000, 30_000, protocols, new byte[0]),
        new MemberSnapshot("s-1", "instance-1", "c", "/h", 10_000, 30_000, protocols, new byte[0])));
    List<MemberCommitCase> cases = List.of(
        new MemberCommitCase("the member in the current generation", "m-1", null, 3, Errors.NONE),
        new MemberCommitCase("a stale generation", "m-1", null, 2, Errors.ILLEGAL_GENERATION),
        new MemberCommitCase("a generation from the future", "m-1", null, 4, Errors.ILLEGAL_GENERATION),
        new MemberCommitCase("an unknown member", "m-9", null, 3, Errors.UNKNOWN_MEMBER_ID),
        new MemberCommitCase("a simple commit to an active group", "", null, -1, Errors.UNKNOWN_MEMBER_ID),
        new MemberCommitCase("a static member under its id", "s-1", "instance-1", 3, Errors.NONE),
        new MemberCommitCase("a static member's instance id under another id", "m-1", "instance-1", 3,
            Errors.FENCED_INSTANCE_ID));
    for (MemberCommitCase c : cases) {
      ClassicGroup group = ClassicGroup.restore(stable, GroupConfig.DEFAULT, () -> "x", NOW_MS);
      assertEquals(c.error(), group.validateOffsetCommit(c.memberId(), c.groupInstanceId(), c.generation(), NOW_MS),
          c.name());
    }
    ClassicGroup empty = new ClassicGroup("g", GroupConfig.DEFAULT, () -> "x", NOW_MS);
    assertEquals(Errors.NONE, empty.validateOffsetCommit("", null, -1, NOW_MS), "a simple commit to an Empty group");
    empty.kill(Errors.COORDINATOR_NOT_AVAILABLE, NOW_MS);
    assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, empty.validateOffsetCommit("", null, -1, NOW_MS), "a deleted group");
  }

  // ---------------------------------------------------------------- OffsetDelete and append errors

  @Test
  void offsetDeleteRefusesTopicsTheGroupSubscribesTo() {
    ByteBuffer subscription = ConsumerProtocol.serializeSubscription(new Subscription(List.of("orders", "users")));
    byte[] md = new byte[subscription.remaining()];
    subscription.get(md);
    LinkedHashMap<String, byte[]> protocols = new LinkedHashMap<>();
    protocols.put("range", md);
    List<MemberSnapshot> members = List.of(new MemberSnapshot("m-1", null, "c", "/h", 10_000, 30_000, protocols, new byte[0]));
    ClassicGroup consumer = ClassicGroup.restore(new Snapshot("g", 1, ConsumerProtocol.PROTOCOL_TYPE, "range", "m-1", 0L,
        members), GroupConfig.DEFAULT, () -> "x", NOW_MS);
    assertEquals(Set.of("orders", "users"), OffsetManager.subscribedTopics(consumer));
    ClassicGroup connect = ClassicGroup.restore(new Snapshot("g", 1, "connect", "range", "m-1", 0L, members),
        GroupConfig.DEFAULT, () -> "x", NOW_MS);
    assertNull(OffsetManager.subscribedTopics(connect), "not a consumer group: unknown");
    assertEquals(Set.of(), OffsetManager.subscribedTopics(new ClassicGroup("g", GroupConfig.DEFAULT, () -> "x", NOW_MS)));
  }

  record AppendErrorCase(Throwable failure, Errors error) {}

  @Test
  void aFailedAppendMapsToTheErrorKafkaGivesTheClient() {
    List<AppendErrorCase> cases = List.of(
        new AppendErrorCase(new NotEnoughReplicasException("isr"), Errors.COORDINATOR_NOT_AVAILABLE),
        new AppendErrorCase(new CompletionException(new TimeoutException("acks")), Errors.COORDINATOR_NOT_AVAILABLE),
        new AppendErrorCase(new NotLeaderOrFollowerException("moved"), Errors.NOT_COORDINATOR),
        new AppendErrorCase(new RecordTooLargeException("big"), Errors.INVALID_COMMIT_OFFSET_SIZE),
        new AppendErrorCase(new InvalidTopicException("bad"), Errors.INVALID_TOPIC_EXCEPTION),
        new AppendErrorCase(new IllegalStateException("bug"), Errors.UNKNOWN_SERVER_ERROR));
    for (AppendErrorCase c : cases) {
      assertEquals(c.error(), GroupActor.appendError(c.failure()), c.failure().toString());
    }
  }
}
