package io.tributary.registry.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's whole state, rebuilt from the {@code _schemas} records applied in log order. A pure
 * state machine: no threads, clocks or I/O; every node that applies the same log reaches the same state.
 *
 * <p>Conflicts are settled by the log: the first record wins. A SCHEMA record that gives an existing
 * subject/version a different id, or an existing id a different schema, is rejected on every node
 * alike; the writer sees that its record lost and retries (so a stale primary can never make two
 * schemas share an id).
 */
public final class RegistryState {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryState.class);

  /** One version of a subject. */
  public record VersionEntry(String subject, int version, int id, boolean deleted) {}

  /** One schema id: the canonical text (Avro's {@code Schema.toString()}) and the parsed schema. */
  public record SchemaEntry(int id, String canonical, Schema schema) {}

  /** Where an id is used. */
  public record Usage(String subject, int version) {}

  private final Map<String, TreeMap<Integer, VersionEntry>> subjects = new TreeMap<>();
  private final Map<Integer, SchemaEntry> ids = new ConcurrentHashMap<>();
  private final Map<String, Integer> idByCanonical = new HashMap<>();
  private final Map<Integer, Integer> refCounts = new HashMap<>();
  private final Map<String, String> subjectConfig = new HashMap<>();
  private final Map<String, String> subjectMode = new HashMap<>();
  private String globalConfig;
  private String globalMode;
  private int maxId;
  private int idFloor;
  private long appliedOffset = -1;
  private long rejected;

  /** Parses and canonicalises an Avro schema: Avro's parser, then its compact JSON form. */
  public static Schema parse(String text) {
    return new Schema.Parser().parse(text);
  }

  /**
   * Applies the record at {@code offset}. Offsets must grow.
   *
   * @return false if the record was rejected as a conflict (same outcome on every node)
   */
  public synchronized boolean apply(long offset, StoreRecord rec) {
    if (offset <= appliedOffset) {
      throw new IllegalStateException("offsets must grow: " + offset + " after " + appliedOffset);
    }
    appliedOffset = offset;
    boolean ok = switch (rec.type()) {
      case SCHEMA -> rec.value() == null ? removeVersion(rec.subject(), rec.version()) : putVersion(rec);
      case CONFIG -> setOrClear(subjectConfig, rec.subject(), rec.value(), "compatibilityLevel", true);
      case MODE -> setOrClear(subjectMode, rec.subject(), rec.value(), "mode", false);
      case DELETE_SUBJECT -> softDeleteSubject(rec.subject(), rec.version());
      case ID_FLOOR -> {
        if (rec.value() != null) {
          idFloor = Math.max(idFloor, rec.value().path("maxId").asInt());
        }
        yield true;
      }
      case NOOP -> true;
    };
    if (!ok) {
      rejected++;
    }
    notifyAll();
    return ok;
  }

  private boolean putVersion(StoreRecord rec) {
    JsonNode v = rec.value();
    String subject = v.path("subject").asText(rec.subject());
    int version = v.path("version").asInt(rec.version());
    int id = v.path("id").asInt(-1);
    boolean deleted = v.path("deleted").asBoolean(false);
    if (id < 0 || version < 1 || subject == null) {
      LOG.warn("Skipping malformed SCHEMA record for subject '{}' version {}", subject, version);
      return false;
    }
    TreeMap<Integer, VersionEntry> versions = subjects.get(subject);
    VersionEntry existing = versions == null ? null : versions.get(version);
    if (existing != null && existing.id() != id) {
      LOG.warn("Rejecting SCHEMA record: subject '{}' version {} already has id {}, not {}",
          subject, version, existing.id(), id);
      return false;
    }
    SchemaEntry entry = ids.get(id);
    if (entry == null) {
      Schema schema;
      try {
        schema = parse(v.path("schema").asText());
      } catch (RuntimeException e) {
        LOG.warn("Skipping SCHEMA record for subject '{}' version {}: invalid schema: {}",
            subject, version, e.getMessage());
        return false;
      }
      String canonical = schema.toString();
      entry = new SchemaEntry(id, canonical, schema);
      ids.put(id, entry);
      idByCanonical.putIfAbsent(canonical, id);
    } else if (!entry.canonical().equals(v.path("schema").asText())
        && !entry.canonical().equals(canonicalOrNull(v.path("schema").asText()))) {
      LOG.warn("Rejecting SCHEMA record: id {} already names another schema (subject '{}' version {})",
          id, subject, version);
      return false;
    }
    maxId = Math.max(maxId, id);
    if (existing == null) {
      refCounts.merge(id, 1, Integer::sum);
    }
    subjects.computeIfAbsent(subject, s -> new TreeMap<>())
        .put(version, new VersionEntry(subject, version, id, deleted));
    return true;
  }

  private static String canonicalOrNull(String text) {
    try {
      return parse(text).toString();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private boolean removeVersion(String subject, int version) {
    TreeMap<Integer, VersionEntry> versions = subjects.get(subject);
    VersionEntry removed = versions == null ? null : versions.remove(version);
    if (removed == null) {
      return true;
    }
    if (versions.isEmpty()) {
      subjects.remove(subject);
    }
    int left = refCounts.merge(removed.id(), -1, Integer::sum);
    if (left <= 0) {
      refCounts.remove(removed.id());
      SchemaEntry gone = ids.remove(removed.id());
      if (gone != null) {
        idByCanonical.remove(gone.canonical(), removed.id());
      }
    }
    return true;
  }

  private boolean softDeleteSubject(String subject, int upToVersion) {
    TreeMap<Integer, VersionEntry> versions = subjects.get(subject);
    if (versions == null) {
      return true;
    }
    for (VersionEntry e : new ArrayList<>(versions.headMap(upToVersion, true).values())) {
      versions.put(e.version(), new VersionEntry(subject, e.version(), e.id(), true));
    }
    return true;
  }

  private boolean setOrClear(Map<String, String> perSubject, String subject, JsonNode value,
      String field, boolean config) {
    String text = value == null ? null : value.path(field).asText(null);
    if (subject == null) {
      if (config) {
        globalConfig = text;
      } else {
        globalMode = text;
      }
    } else if (text == null) {
      perSubject.remove(subject);
    } else {
      perSubject.put(subject, text);
    }
    return true;
  }

  // ---- queries ----

  public synchronized long appliedOffset() {
    return appliedOffset;
  }

  public synchronized long rejectedRecords() {
    return rejected;
  }

  /** The id the next new schema gets: above every id ever seen, so ids are never reused. */
  public synchronized int nextId() {
    return Math.max(maxId, idFloor) + 1;
  }

  public synchronized int maxId() {
    return Math.max(maxId, idFloor);
  }

  /** Subjects that have at least one version (a live one unless {@code includeDeleted}). */
  public synchronized List<String> subjects(boolean includeDeleted) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, TreeMap<Integer, VersionEntry>> e : subjects.entrySet()) {
      if (includeDeleted || e.getValue().values().stream().anyMatch(v -> !v.deleted())) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** Versions of a subject in ascending order; empty if the subject is unknown. */
  public synchronized List<VersionEntry> versions(String subject, boolean includeDeleted) {
    TreeMap<Integer, VersionEntry> versions = subjects.get(subject);
    List<VersionEntry> out = new ArrayList<>();
    if (versions != null) {
      for (VersionEntry v : versions.values()) {
        if (includeDeleted || !v.deleted()) {
          out.add(v);
        }
      }
    }
    return out;
  }

  public synchronized VersionEntry version(String subject, int version) {
    TreeMap<Integer, VersionEntry> versions = subjects.get(subject);
    return versions == null ? null : versions.get(version);
  }

  /** Highest version number ever used in the subject (soft-deleted included), 0 if none. */
  public synchronized int maxVersion(String subject) {
    TreeMap<Integer, VersionEntry> versions = subjects.get(subject);
    return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
  }

  /** Lock-free: the hot path of {@code GET /schemas/ids/{id}}. */
  public SchemaEntry schemaById(int id) {
    return ids.get(id);
  }

  public synchronized Integer idOf(String canonical) {
    return idByCanonical.get(canonical);
  }

  public synchronized List<Usage> usages(int id, boolean includeDeleted) {
    List<Usage> out = new ArrayList<>();
    for (TreeMap<Integer, VersionEntry> versions : subjects.values()) {
      for (VersionEntry v : versions.values()) {
        if (v.id() == id && (includeDeleted || !v.deleted())) {
          out.add(new Usage(v.subject(), v.version()));
        }
      }
    }
    return out;
  }

  /** Subject-level compatibility, or null. */
  public synchronized String subjectConfig(String subject) {
    return subjectConfig.get(subject);
  }

  /** Global compatibility as stored, or null (= the configured default). */
  public synchronized String globalConfig() {
    return globalConfig;
  }

  public synchronized String subjectMode(String subject) {
    return subjectMode.get(subject);
  }

  public synchronized String globalMode() {
    return globalMode;
  }

  /** Waits (bounded) until {@code offset} has been applied; returns whether it was. */
  public synchronized boolean awaitApplied(long offset, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (appliedOffset < offset) {
      long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
      if (leftMs <= 0) {
        return false;
      }
      wait(leftMs);
    }
    return true;
  }

  /** Advances the applied position past offsets the reader skipped (compaction gaps, control records). */
  public synchronized void advanceTo(long offset) {
    if (offset > appliedOffset) {
      appliedOffset = offset;
      notifyAll();
    }
  }
}
