package io.tributary.log.group;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.log.group.ClassicGroup.MemberSnapshot;
import io.tributary.log.group.ClassicGroup.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * The records of {@code __consumer_offsets} (our own format, not Kafka's binary schemas; compacted, so the
 * latest record per key wins and a null value deletes). Keys and values are UTF-8 JSON objects whose
 * fields are always written in the order shown, so equal keys are equal bytes (compaction compares bytes):
 *
 * <pre>
 * committed offset  key   {"type":"offset","group":G,"topic":T,"partition":P}
 *                   value {"v":1,"offset":O,"leaderEpoch":E,"metadata":M,"commitTimestamp":MS}
 * group metadata    key   {"type":"group","group":G}
 *                   value {"v":1,"generation":N,"protocolType":PT,"protocol":P,"leader":L,"stateSince":MS,
 *                          "members":[{"memberId":..,"instanceId":..,"clientId":..,"clientHost":..,
 *                                      "sessionTimeoutMs":..,"rebalanceTimeoutMs":..,
 *                                      "protocols":[{"name":..,"metadata":BASE64}],"assignment":BASE64}]}
 * deletion          the same key with a null value (tombstone)
 * </pre>
 *
 * A group record with no members is an Empty group at that generation. A reader skips records with an
 * unknown {@code type} or a {@code v} above 1, so newer writers can add kinds without breaking older loaders.
 */
public final class OffsetsTopicFormat {
  public static final String TOPIC = "__consumer_offsets";
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int VERSION = 1;

  private OffsetsTopicFormat() {}

  /** The offsets-topic partition that holds (and whose leader coordinates) {@code groupId}, as Kafka hashes it. */
  public static int partitionFor(String groupId, int partitions) {
    return Utils.abs(groupId.hashCode()) % partitions;
  }

  /** A committed offset as stored and as OffsetFetch returns it. */
  public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {}

  // ------------------------------------------------------------ writing

  public static byte[] offsetKey(String group, TopicPartition tp) {
    ObjectNode k = JSON.createObjectNode();
    k.put("type", "offset");
    k.put("group", group);
    k.put("topic", tp.topic());
    k.put("partition", tp.partition());
    return bytes(k);
  }

  public static byte[] offsetValue(CommittedOffset o) {
    ObjectNode v = JSON.createObjectNode();
    v.put("v", VERSION);
    v.put("offset", o.offset());
    v.put("leaderEpoch", o.leaderEpoch());
    v.put("metadata", o.metadata());
    v.put("commitTimestamp", o.commitTimestampMs());
    return bytes(v);
  }

  public static byte[] groupKey(String group) {
    ObjectNode k = JSON.createObjectNode();
    k.put("type", "group");
    k.put("group", group);
    return bytes(k);
  }

  public static byte[] groupValue(Snapshot s) {
    ObjectNode v = JSON.createObjectNode();
    v.put("v", VERSION);
    v.put("generation", s.generationId());
    v.put("protocolType", s.protocolType());
    v.put("protocol", s.protocolName());
    v.put("leader", s.leaderId());
    v.put("stateSince", s.stateSinceMs());
    ArrayNode members = v.putArray("members");
    for (MemberSnapshot m : s.members()) {
      ObjectNode mn = members.addObject();
      mn.put("memberId", m.memberId());
      mn.put("instanceId", m.groupInstanceId());
      mn.put("clientId", m.clientId());
      mn.put("clientHost", m.clientHost());
      mn.put("sessionTimeoutMs", m.sessionTimeoutMs());
      mn.put("rebalanceTimeoutMs", m.rebalanceTimeoutMs());
      ArrayNode protocols = mn.putArray("protocols");
      m.protocols().forEach((name, md) -> protocols.addObject().put("name", name).put("metadata", md));
      mn.put("assignment", m.assignment());
    }
    return bytes(v);
  }

  /** One batch of records (no producer id, no compression) for {@code appendAndWait}. */
  public static MemoryRecords records(long nowMs, List<byte[][]> keyValues) {
    return MemoryRecords.withRecords(Compression.NONE, simpleRecords(nowMs, keyValues));
  }

  /**
   * One transactional batch (TxnOffsetCommit) of {@code producerId} at {@code epoch}, first sequence
   * {@code baseSequence}: its records count once the transaction's commit marker follows them.
   */
  public static MemoryRecords transactionalRecords(long nowMs, long producerId, short epoch, int baseSequence,
      List<byte[][]> keyValues) {
    return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, baseSequence,
        simpleRecords(nowMs, keyValues));
  }

  private static SimpleRecord[] simpleRecords(long nowMs, List<byte[][]> keyValues) {
    SimpleRecord[] recs = new SimpleRecord[keyValues.size()];
    for (int i = 0; i < recs.length; i++) {
      recs[i] = new SimpleRecord(nowMs, keyValues.get(i)[0], keyValues.get(i)[1]);
    }
    return recs;
  }

  // ------------------------------------------------------------ reading

  /** A decoded record: an offset (value null = deleted), a group (snapshot null = deleted), or unknown. */
  public sealed interface Entry {}

  public record OffsetEntry(String group, TopicPartition tp, CommittedOffset value) implements Entry {}

  public record GroupEntry(String group, Snapshot value) implements Entry {}

  public record Unknown(String reason) implements Entry {}

  public static Entry decode(Record record) throws IOException {
    if (!record.hasKey()) {
      return new Unknown("record without a key");
    }
    JsonNode k = JSON.readTree(array(record.key()));
    JsonNode v = record.hasValue() ? JSON.readTree(array(record.value())) : null;
    if (v != null && v.path("v").asInt(0) > VERSION) {
      return new Unknown("value version " + v.path("v").asInt() + " is newer than " + VERSION);
    }
    String type = k.path("type").asText("");
    String group = k.path("group").asText();
    switch (type) {
      case "offset": {
        TopicPartition tp = new TopicPartition(k.path("topic").asText(), k.path("partition").asInt());
        CommittedOffset o = v == null ? null : new CommittedOffset(v.path("offset").asLong(),
            v.path("leaderEpoch").asInt(-1), v.path("metadata").isNull() ? null : v.path("metadata").asText(),
            v.path("commitTimestamp").asLong());
        return new OffsetEntry(group, tp, o);
      }
      case "group": {
        if (v == null) {
          return new GroupEntry(group, null);
        }
        List<MemberSnapshot> members = new ArrayList<>();
        for (JsonNode mn : v.path("members")) {
          LinkedHashMap<String, byte[]> protocols = new LinkedHashMap<>();
          for (JsonNode p : mn.path("protocols")) {
            protocols.put(p.path("name").asText(), p.path("metadata").binaryValue());
          }
          members.add(new MemberSnapshot(mn.path("memberId").asText(), text(mn.path("instanceId")),
              text(mn.path("clientId")), text(mn.path("clientHost")), mn.path("sessionTimeoutMs").asInt(),
              mn.path("rebalanceTimeoutMs").asInt(), protocols, mn.path("assignment").binaryValue()));
        }
        return new GroupEntry(group, new Snapshot(group, v.path("generation").asInt(), text(v.path("protocolType")),
            text(v.path("protocol")), text(v.path("leader")), v.path("stateSince").asLong(), members));
      }
      default:
        return new Unknown("unknown record type '" + type + "'");
    }
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
  }

  private static byte[] array(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  private static byte[] bytes(ObjectNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + n, e);
    }
  }
}
