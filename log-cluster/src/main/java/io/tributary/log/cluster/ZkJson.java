package io.tributary.log.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/** The JSON of each znode kind; the one place that knows these formats. */
final class ZkJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ZkJson() {}

  static byte[] broker(BrokerInfo b) {
    ObjectNode n = MAPPER.createObjectNode().put("host", b.host()).put("port", b.port()).put("rack", b.rack());
    return bytes(n);
  }

  static BrokerInfo broker(int id, byte[] data) {
    JsonNode n = tree(data);
    return new BrokerInfo(id, n.path("host").asText(), n.path("port").asInt(), n.path("rack").asText(""));
  }

  static byte[] topic(Uuid id, SortedMap<Integer, List<Integer>> replicas) {
    ObjectNode n = MAPPER.createObjectNode().put("id", id.toString());
    ObjectNode r = n.putObject("replicas");
    replicas.forEach((p, ids) -> {
      ArrayNode a = r.putArray(Integer.toString(p));
      ids.forEach(a::add);
    });
    return bytes(n);
  }

  static TopicInfo topic(String name, byte[] data, Map<String, String> configs) {
    JsonNode n = tree(data);
    SortedMap<Integer, List<Integer>> replicas = new TreeMap<>();
    n.path("replicas").fields().forEachRemaining(e -> {
      List<Integer> ids = new ArrayList<>();
      e.getValue().forEach(v -> ids.add(v.asInt()));
      replicas.put(Integer.parseInt(e.getKey()), List.copyOf(ids));
    });
    return new TopicInfo(name, Uuid.fromString(n.path("id").asText()), replicas, configs);
  }

  static byte[] partitionState(PartitionState s) {
    ObjectNode n = MAPPER.createObjectNode()
        .put("leader", s.leader())
        .put("leader_epoch", s.leaderEpoch())
        .put("controller_epoch", s.controllerEpoch());
    ArrayNode isr = n.putArray("isr");
    s.isr().forEach(isr::add);
    return bytes(n);
  }

  static PartitionState partitionState(byte[] data, int zkVersion) {
    JsonNode n = tree(data);
    List<Integer> isr = new ArrayList<>();
    n.path("isr").forEach(v -> isr.add(v.asInt()));
    return new PartitionState(n.path("leader").asInt(-1), n.path("leader_epoch").asInt(0), isr,
        n.path("controller_epoch").asInt(0), zkVersion);
  }

  static byte[] controllerEpoch(int epoch, int brokerId) {
    return bytes(MAPPER.createObjectNode().put("epoch", epoch).put("broker", brokerId));
  }

  /** {epoch, broker id} of the controller epoch znode. */
  static int[] controllerEpoch(byte[] data) {
    JsonNode n = tree(data);
    return new int[] {n.path("epoch").asInt(0), n.path("broker").asInt(-1)};
  }

  static byte[] configs(Map<String, String> configs) {
    return bytes(MAPPER.valueToTree(configs));
  }

  static Map<String, String> configs(byte[] data) {
    if (data == null || data.length == 0) {
      return Map.of();
    }
    try {
      return MAPPER.readValue(data, new TypeReference<LinkedHashMap<String, String>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt topic config znode", e);
    }
  }

  private static JsonNode tree(byte[] data) {
    try {
      return MAPPER.readTree(data);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt znode JSON", e);
    }
  }

  private static byte[] bytes(JsonNode n) {
    try {
      return MAPPER.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
