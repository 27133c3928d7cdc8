package io.tributary.log.broker;

import io.tributary.log.protocol.TransactionsV2Versions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * The fuzzer's seeds: one valid request of any API at any version, built generically from kafka-clients' own
 * generated {@code *RequestData} class and serialised by kafka-clients. A default instance is mostly empty (no
 * topics, no group), so the broker would answer it without reaching its handler's depths: every field the
 * version has is filled with a plausible value chosen by the field's name and type (the existing topic and its
 * id, the group, a live producer id and epoch, one element in each list). A value the version cannot carry is
 * dropped again: kafka-clients refuses to write a non-default field the version lacks, so each field is kept
 * only if the whole request still serialises.
 */
final class RequestSeeds {
  /** What a seed refers to on the broker under test. */
  record Targets(String topic, Uuid topicId, String group, String transactionalId, long producerId, short producerEpoch) {}

  /** A topic that does not exist: DeleteTopics seeds name it, so fuzzing never deletes the topic under test. */
  static final String ABSENT_TOPIC = "fuzz-absent";
  /** CreateTopics seeds name this topic (validate only where the version can say so). */
  static final String CREATED_TOPIC = "fuzz-created";
  /** ACL seeds name this topic, so an ACL they create never restricts the topic under test. */
  static final String ACL_TOPIC = "fuzz-acl";
  /** InitProducerId seeds use their own transactional id, so they never fence {@link Targets#producerEpoch}. */
  static final String INIT_TRANSACTIONAL_ID = "fuzz-init-txn";
  /** Small enough that a seed never makes the broker wait long (fetch max wait, admin timeouts, rebalances). */
  static final int SHORT_WAIT_MS = 1_000;
  static final int MAX_BYTES = 1 << 16;

  private final Targets targets;

  RequestSeeds(Targets targets) {
    this.targets = targets;
  }

  /** The seed frame (header and body, without the size prefix) of {@code api} at {@code version}. */
  ByteBuffer frame(ApiKeys api, short version, int correlationId) {
    // Transactions v2 versions (Produce v12, ...) are written with the codec version that has the same bytes.
    short codecVersion = TransactionsV2Versions.codecVersion(api, version);
    RequestHeader header = new RequestHeader(api, version, "fuzz", correlationId);
    return RequestUtils.serialize(header.data(), header.headerVersion(), body(api, codecVersion), codecVersion);
  }

  /** A filled request body of {@code api}, serialisable at {@code version}. */
  ApiMessage body(ApiKeys api, short version) {
    ApiMessage root = ApiMessageType.fromApiKey(api.id).newRequest();
    requireSerialisable(root, version, api + " v" + version + " default request");
    fill(api, root, root, version);
    return root;
  }

  private void fill(ApiKeys api, Message root, Object message, short version) {
    for (Field field : message.getClass().getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) || field.getName().startsWith("_")
          || field.getName().equals("next") || field.getName().equals("prev")) {
        continue;
      }
      field.setAccessible(true);
      try {
        Object old = field.get(message);
        if (Message.class.isAssignableFrom(field.getType())) {
          Object child = old != null ? old : newInstance(field.getType());
          field.set(message, child);
          if (serialises(root, version)) {
            fill(api, root, child, version);
          } else {
            field.set(message, old);
          }
          continue;
        }
        Object value = valueFor(api, version, message.getClass(), field);
        if (value == null) {
          continue;
        }
        field.set(message, value);
        if (!serialises(root, version)) {
          field.set(message, old);
          continue;
        }
        if (value instanceof Collection<?> elements) {
          for (Object element : elements) {
            if (element instanceof Message) {
              fill(api, root, element, version);
            }
          }
          if (!(value instanceof List<?>)) {
            // A keyed collection hashed its element before the element's key was filled: add it anew.
            // It refuses an element still linked into another collection, so unlink them first (by slot: the
            // keys changed).
            List<Object> unlinked = new ArrayList<>(elements);
            for (Iterator<?> it = elements.iterator(); it.hasNext(); ) {
              it.next();
              it.remove();
            }
            @SuppressWarnings("unchecked")
            Collection<Object> rehashed = (Collection<Object>) newInstance(field.getType());
            rehashed.addAll(unlinked);
            field.set(message, rehashed);
          }
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot fill " + message.getClass().getSimpleName() + "." + field.getName(), e);
      }
    }
  }

  /** A plausible value for the field, or null to keep the default. */
  private Object valueFor(ApiKeys api, short version, Class<?> owner, Field field) throws ReflectiveOperationException {
    String name = field.getName().toLowerCase(Locale.ROOT);
    Class<?> type = field.getType();
    String ownerName = owner.getSimpleName().toLowerCase(Locale.ROOT);
    if (type == String.class) {
      return stringFor(api, version, ownerName, name);
    }
    if (type == Uuid.class) {
      // Only Fetch (v13+) addresses topics by id alone; elsewhere an id beside the name would change the request
      // (DeleteTopics by id would delete the topic under test).
      return api == ApiKeys.FETCH && name.contains("topicid") ? targets.topicId() : null;
    }
    if (type == int.class) {
      return intFor(name);
    }
    if (type == short.class) {
      return switch (name) {
        case "acks", "replicationfactor" -> (short) 1;
        default -> name.endsWith("producerepoch") && api != ApiKeys.INIT_PRODUCER_ID ? targets.producerEpoch() : null;
      };
    }
    if (type == long.class) {
      return switch (name) {
        case "timestamp" -> -1L;
        // AddPartitionsToTxn's v3AndBelowProducerId too; InitProducerId asks for a new one.
        default -> name.endsWith("producerid") && api != ApiKeys.INIT_PRODUCER_ID ? targets.producerId() : null;
      };
    }
    if (type == byte.class) {
      return switch (name) {
        // ConfigResource.Type.TOPIC and ResourceType.TOPIC are both 2.
        case "resourcetype", "resourcetypefilter" -> (byte) 2;
        // PatternType.LITERAL, AclOperation.READ, AclPermissionType.ALLOW.
        case "resourcepatterntype", "patterntypefilter" -> (byte) 3;
        case "operation" -> (byte) 3;
        case "permissiontype" -> (byte) 3;
        // ScramMechanism.SCRAM_SHA_256.
        case "mechanism" -> (byte) 1;
        default -> null;
      };
    }
    if (type == boolean.class) {
      return switch (name) {
        // Admin seeds validate only: fuzzing must not create topics or partitions by the thousand.
        case "validateonly" -> true;
        case "allowautotopiccreation" -> false;
        default -> null;
      };
    }
    if (type == byte[].class) {
      return switch (name) {
        case "salt" -> new byte[16];
        case "saltedpassword" -> new byte[32];
        default -> null;
      };
    }
    if (BaseRecords.class.isAssignableFrom(type)) {
      return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "fuzzed value".getBytes()));
    }
    if (Collection.class.isAssignableFrom(type)) {
      return oneElement(api, version, ownerName, name, field);
    }
    return null;
  }

  private String stringFor(ApiKeys api, short version, String owner, String name) {
    if (owner.contains("config") && name.equals("name")) {
      return "retention.ms";
    }
    if (owner.contains("config") && name.equals("value")) {
      return "604800000";
    }
    if (name.contains("transactionalid")) {
      return switch (api) {
        case PRODUCE -> null;
        case INIT_PRODUCER_ID -> INIT_TRANSACTIONAL_ID;
        default -> targets.transactionalId();
      };
    }
    if (name.contains("group") && !name.contains("instance")) {
      // Each JoinGroup version joins its own group: joins of one group would wait for each other's rebalance.
      return api == ApiKeys.JOIN_GROUP ? targets.group() + "-join-v" + version : targets.group();
    }
    if (name.equals("key") && api == ApiKeys.FIND_COORDINATOR) {
      return targets.group();
    }
    if (name.equals("clientsoftwarename")) {
      return "fuzz";
    }
    if (name.equals("clientsoftwareversion")) {
      return "1";
    }
    if (name.equals("protocoltype")) {
      return "consumer";
    }
    if (name.equals("principal") || name.equals("principalfilter")) {
      return "User:fuzz";
    }
    if (name.equals("host") || name.equals("hostfilter")) {
      return "*";
    }
    if (name.contains("topic") || name.equals("name") || name.startsWith("resourcename")) {
      return topicFor(api);
    }
    return null;
  }

  private String topicFor(ApiKeys api) {
    return switch (api) {
      case DELETE_TOPICS -> ABSENT_TOPIC;
      case CREATE_TOPICS -> CREATED_TOPIC;
      case CREATE_ACLS, DESCRIBE_ACLS, DELETE_ACLS -> ACL_TOPIC;
      default -> targets.topic();
    };
  }

  private static Object intFor(String name) {
    return switch (name) {
      case "timeoutms", "maxwaitms", "rebalancetimeoutms" -> SHORT_WAIT_MS;
      case "sessiontimeoutms" -> 10_000;
      case "transactiontimeoutms" -> 60_000;
      case "minbytes" -> 1;
      case "maxbytes", "partitionmaxbytes" -> MAX_BYTES;
      // CreatePartitions' new total; CreateTopics' partitions.
      case "count", "numpartitions" -> 2;
      // The least SCRAM iterations Kafka accepts.
      case "iterations" -> 4096;
      case "generationid", "replicaid", "leaderepoch", "currentleaderepoch" -> -1;
      default -> null;
    };
  }

  /** A one-element list (or keyed collection) for the field: a filled struct, a partition, a name. */
  private Object oneElement(ApiKeys api, short version, String owner, String name, Field field) throws ReflectiveOperationException {
    if (api == ApiKeys.CREATE_TOPICS && name.equals("assignments")) {
      return null; // manual assignments with a partition count are refused before anything else is checked
    }
    Class<?> element = elementType(field);
    if (element == null) {
      return null;
    }
    Object value;
    if (Message.class.isAssignableFrom(element)) {
      value = newInstance(element);
    } else if (element == Integer.class) {
      value = 0;
    } else if (element == String.class) {
      value = stringFor(api, version, owner, name.replace("ids", "id").replace("keys", "key"));
      if (name.contains("coordinatorkey")) {
        value = api == ApiKeys.FIND_COORDINATOR ? targets.group() : null;
      }
    } else if (element == Uuid.class) {
      value = targets.topicId();
    } else {
      return null;
    }
    if (value == null) {
      return null;
    }
    if (List.class.isAssignableFrom(field.getType())) {
      List<Object> list = new ArrayList<>();
      list.add(value);
      return list;
    }
    @SuppressWarnings("unchecked")
    Collection<Object> collection = (Collection<Object>) newInstance(field.getType());
    collection.add(value);
    return collection;
  }

  /** {@code List<E>}'s E, or a generated {@code XCollection extends ImplicitLinkedHashMultiCollection<E>}'s E. */
  private static Class<?> elementType(Field field) {
    Type generic = List.class.isAssignableFrom(field.getType())
        ? field.getGenericType() : field.getType().getGenericSuperclass();
    if (generic instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
      return c;
    }
    return null;
  }

  private static Object newInstance(Class<?> type) throws ReflectiveOperationException {
    return type.getConstructor().newInstance();
  }

  private static boolean serialises(Message root, short version) {
    try {
      MessageUtil.toByteBuffer(root, version);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void requireSerialisable(Message root, short version, String what) {
    try {
      MessageUtil.toByteBuffer(root, version);
    } catch (RuntimeException e) {
      throw new IllegalStateException(what + " does not serialise: " + e.getMessage(), e);
    }
  }
}
