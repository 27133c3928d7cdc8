package io.tributary.log.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
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

/**
 * The JSON of each znode kind; the one place that knows these formats. Decoding is strict: content that
 * is not what this class writes throws {@link IllegalArgumentException} (saying what is wrong), so that
 * readers skip the znode instead of acting on defaults filled in for missing fields.
 */
final class ZkJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_PORT = 65_535;

  private ZkJson() {}

  static byte[] broker(BrokerInfo b) {
    ObjectNode n = MAPPER.createObjectNode().put("host", b.host()).put("port", b.port()).put("rack", b.rack());
    // Kafka's layout: "endpoints" as NAME://host:port, one per advertised listener.
    ArrayNode endpoints = n.putArray("endpoints");
    new TreeMap<>(b.endpoints()).forEach((name, e) -> endpoints.add(name + "://" + e.host() + ":" + e.port()));
    return bytes(n);
  }

  static BrokerInfo broker(int id, byte[] data) {
    JsonNode n = object(data);
    String host = n.path("host").asText("");
    int port = integer(n, "port");
    if (host.isEmpty() || port < 1 || port > MAX_PORT) {
      throw new IllegalArgumentException("a broker registration needs a host and a port in 1.." + MAX_PORT);
    }
    Map<String, BrokerInfo.Endpoint> endpoints = new LinkedHashMap<>();
    for (JsonNode e : n.path("endpoints")) {
      String text = e.asText("");
      int scheme = text.indexOf("://");
      int colon = text.lastIndexOf(':');
      if (scheme <= 0 || colon <= scheme + 2) {
        throw new IllegalArgumentException("a broker endpoint must read NAME://host:port, not '" + text + "'");
      }
      int endpointPort = Integer.parseInt(text.substring(colon + 1));
      if (endpointPort < 1 || endpointPort > MAX_PORT) {
        throw new IllegalArgumentException("endpoint '" + text + "' needs a port in 1.." + MAX_PORT);
      }
      endpoints.put(text.substring(0, scheme), new BrokerInfo.Endpoint(text.substring(scheme + 3, colon), endpointPort));
    }
    return new BrokerInfo(id, host, port, n.path("rack").asText(""), endpoints);
  }

  static byte[] topic(Uuid id, SortedMap<Integer, List<Integer>> replicas) {
    return topic(id, replicas, new TreeMap<>());
  }

  /** A topic znode with its reassignments in flight, in Kafka's field names {@code adding_replicas}/{@code removing_replicas}. */
  static byte[] topic(Uuid id, SortedMap<Integer, List<Integer>> replicas, SortedMap<Integer, PartitionReassignment> reassignments) {
    ObjectNode n = MAPPER.createObjectNode().put("id", id.toString());
    ObjectNode r = n.putObject("replicas");
    replicas.forEach((p, ids) -> {
      ArrayNode a = r.putArray(Integer.toString(p));
      ids.forEach(a::add);
    });
    if (!reassignments.isEmpty()) {
      ObjectNode adding = n.putObject("adding_replicas");
      ObjectNode removing = n.putObject("removing_replicas");
      reassignments.forEach((p, re) -> {
        re.adding().forEach(adding.putArray(Integer.toString(p))::add);
        re.removing().forEach(removing.putArray(Integer.toString(p))::add);
      });
    }
    return bytes(n);
  }

  /**
   * A topic znode. Anything short of an id and at least one partition with at least one replica is
   * refused: acting on it would unassign (and so drop) every replica of the topic.
   */
  static TopicInfo topic(String name, byte[] data, Map<String, String> configs) {
    JsonNode n = object(data);
    Uuid id = Uuid.fromString(n.path("id").asText(""));
    JsonNode replicasNode = n.path("replicas");
    if (!replicasNode.isObject() || replicasNode.isEmpty()) {
      throw new IllegalArgumentException("a topic needs \"replicas\": an object with one entry per partition");
    }
    SortedMap<Integer, List<Integer>> replicas = new TreeMap<>();
    replicasNode.fields().forEachRemaining(e -> {
      int partition = Integer.parseInt(e.getKey());
      List<Integer> ids = integers(e.getValue(), "replicas of partition " + e.getKey());
      if (partition < 0 || ids.isEmpty()) {
        throw new IllegalArgumentException("partition " + e.getKey() + " needs a non-negative number and at least one replica");
      }
      replicas.put(partition, ids);
    });
    if (replicas.lastKey() != replicas.size() - 1) {
      throw new IllegalArgumentException("partitions must be numbered 0.." + (replicas.size() - 1) + ", found " + replicas.keySet());
    }
    SortedMap<Integer, PartitionReassignment> reassignments = new TreeMap<>();
    JsonNode adding = n.path("adding_replicas");
    JsonNode removing = n.path("removing_replicas");
    for (Map.Entry<Integer, List<Integer>> e : replicas.entrySet()) {
      String p = Integer.toString(e.getKey());
      List<Integer> add = adding.has(p) ? integers(adding.get(p), "adding_replicas of partition " + p) : List.of();
      List<Integer> remove = removing.has(p) ? integers(removing.get(p), "removing_replicas of partition " + p) : List.of();
      if (add.isEmpty() && remove.isEmpty()) {
        continue;
      }
      if (!e.getValue().containsAll(add) || !e.getValue().containsAll(remove) || add.stream().anyMatch(remove::contains)) {
        throw new IllegalArgumentException("partition " + p + ": adding_replicas " + add + " and removing_replicas " + remove
            + " must be disjoint and among its replicas " + e.getValue());
      }
      reassignments.put(e.getKey(), new PartitionReassignment(add, remove));
    }
    return new TopicInfo(name, id, replicas, configs, reassignments);
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
    JsonNode n = object(data);
    int leader = integer(n, "leader");
    int leaderEpoch = integer(n, "leader_epoch");
    if (leader < PartitionState.NO_LEADER || leaderEpoch < 0) {
      throw new IllegalArgumentException("leader must be >= -1 and leader_epoch >= 0");
    }
    return new PartitionState(leader, leaderEpoch, integers(n.path("isr"), "isr"), integer(n, "controller_epoch"), zkVersion);
  }

  static byte[] controllerEpoch(int epoch, int brokerId) {
    return bytes(MAPPER.createObjectNode().put("epoch", epoch).put("broker", brokerId));
  }

  /** {epoch, broker id} of the controller epoch znode. */
  static int[] controllerEpoch(byte[] data) {
    JsonNode n = object(data);
    int epoch = integer(n, "epoch");
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0");
    }
    return new int[] {epoch, integer(n, "broker")};
  }

  static byte[] deletedTopic(Uuid id) {
    return bytes(MAPPER.createObjectNode().put("id", id.toString()));
  }

  /** The id of the topic a deletion mark names. */
  static Uuid deletedTopic(byte[] data) {
    return Uuid.fromString(object(data).path("id").asText(""));
  }

  static byte[] configs(Map<String, String> configs) {
    return bytes(MAPPER.valueToTree(configs));
  }

  static Map<String, String> configs(byte[] data) {
    if (data == null || data.length == 0) {
      return Map.of();
    }
    JsonNode n = object(data);
    Map<String, String> configs = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> {
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new IllegalArgumentException("config " + e.getKey() + " must be a string");
      }
      configs.put(e.getKey(), e.getValue().asText());
    });
    return configs;
  }

  /** The JSON object in {@code data}; anything else (no JSON, truncated JSON, an array, a number) is refused. */
  private static JsonNode object(byte[] data) {
    if (data == null || data.length == 0) {
      throw new IllegalArgumentException("empty, expected a JSON object");
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(data);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    return n;
  }

  private static int integer(JsonNode object, String field) {
    JsonNode v = object.path(field);
    if (!v.isInt()) {
      throw new IllegalArgumentException("\"" + field + "\" must be an integer");
    }
    return v.intValue();
  }

  private static List<Integer> integers(JsonNode array, String what) {
    if (!array.isArray()) {
      throw new IllegalArgumentException(what + " must be an array of broker ids");
    }
    List<Integer> ids = new ArrayList<>();
    for (JsonNode v : array) {
      if (!v.isInt() || v.intValue() < 0) {
        throw new IllegalArgumentException(what + " must be an array of broker ids");
      }
      ids.add(v.intValue());
    }
    return List.copyOf(ids);
  }

  private static byte[] bytes(JsonNode n) {
    try {
      return MAPPER.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
