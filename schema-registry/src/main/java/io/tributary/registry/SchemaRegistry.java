package io.tributary.registry;

import io.tributary.registry.store.LogStore;
import io.tributary.registry.store.RegistryState;
import io.tributary.registry.store.RegistryState.SchemaEntry;
import io.tributary.registry.store.RegistryState.VersionEntry;
import io.tributary.registry.store.StoreRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The registry's operations, independent of HTTP. Reads come from the local {@link RegistryState};
 * writes (only on the primary) are appended to the log and then waited for, so a caller reads its own
 * write. Writes are serialised by one lock, and each write re-checks that its record won in the log.
 */
public final class SchemaRegistry {
  /** Attempts for a write whose record lost a conflict in the log (a concurrent stale primary). */
  private static final int MAX_WRITE_ATTEMPTS = 5;

  private final LogStore store;
  private final RegistryState state;
  private final CompatibilityLevel defaultLevel;
  private final long writeTimeoutMs;
  private final Object writeLock = new Object();
  private volatile boolean needsSync = true;

  public SchemaRegistry(LogStore store, CompatibilityLevel defaultLevel, long writeTimeoutMs) {
    this.store = store;
    this.state = store.state();
    this.defaultLevel = defaultLevel;
    this.writeTimeoutMs = writeTimeoutMs;
  }

  public RegistryState state() {
    return state;
  }

  /** Called when this node becomes primary: the next write first reads the log to its end. */
  public void leadershipAcquired() {
    needsSync = true;
  }

  // ---------------------------------------------------------------- reads

  public List<String> subjects(boolean includeDeleted, String prefix) {
    List<String> out = new ArrayList<>();
    for (String s : state.subjects(includeDeleted)) {
      if (prefix == null || s.startsWith(prefix)) {
        out.add(s);
      }
    }
    return out;
  }

  public List<Integer> versions(String subject, boolean includeDeleted) {
    List<VersionEntry> versions = state.versions(subject, includeDeleted);
    if (versions.isEmpty()) {
      throw Errors.subjectNotFound(subject);
    }
    return versions.stream().map(VersionEntry::version).toList();
  }

  /** Resolves a version ("latest", -1 or a number) to an entry. */
  public VersionEntry version(String subject, String versionText, boolean includeDeleted) {
    int requested = parseVersion(versionText);
    List<VersionEntry> versions = state.versions(subject, includeDeleted);
    if (versions.isEmpty()) {
      throw Errors.subjectNotFound(subject);
    }
    if (requested == -1) {
      return versions.get(versions.size() - 1);
    }
    VersionEntry e = state.version(subject, requested);
    if (e == null || (e.deleted() && !includeDeleted)) {
      throw Errors.versionNotFound(subject, requested);
    }
    return e;
  }

  public SchemaEntry schema(int id) {
    SchemaEntry e = state.schemaById(id);
    if (e == null) {
      throw Errors.schemaIdNotFound(id);
    }
    return e;
  }

  public List<RegistryState.Usage> usages(int id, boolean includeDeleted) {
    schema(id);
    return state.usages(id, includeDeleted);
  }

  /** POST /subjects/{s}: is this schema already registered under the subject? */
  public VersionEntry lookup(String subject, String schemaText, boolean includeDeleted) {
    Schema schema = parseOrThrow(schemaText);
    List<VersionEntry> versions = state.versions(subject, includeDeleted);
    if (versions.isEmpty()) {
      throw Errors.subjectNotFound(subject);
    }
    String canonical = schema.toString();
    for (int i = versions.size() - 1; i >= 0; i--) {
      VersionEntry v = versions.get(i);
      SchemaEntry e = state.schemaById(v.id());
      if (e != null && e.canonical().equals(canonical)) {
        return v;
      }
    }
    throw Errors.schemaNotFoundInSubject(subject);
  }

  public CompatibilityLevel effectiveLevel(String subject) {
    String s = subject == null ? null : state.subjectConfig(subject);
    if (s == null) {
      s = state.globalConfig();
    }
    return s == null ? defaultLevel : CompatibilityLevel.valueOf(s);
  }

  public CompatibilityLevel globalLevel() {
    String g = state.globalConfig();
    return g == null ? defaultLevel : CompatibilityLevel.valueOf(g);
  }

  public CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
    String s = state.subjectConfig(subject);
    if (s != null) {
      return CompatibilityLevel.valueOf(s);
    }
    if (defaultToGlobal) {
      return globalLevel();
    }
    throw Errors.compatibilityNotConfigured(subject);
  }

  public Mode globalMode() {
    String g = state.globalMode();
    return g == null ? Mode.READWRITE : Mode.valueOf(g);
  }

  public Mode subjectMode(String subject, boolean defaultToGlobal) {
    String s = state.subjectMode(subject);
    if (s != null) {
      return Mode.valueOf(s);
    }
    if (defaultToGlobal) {
      return globalMode();
    }
    throw Errors.modeNotConfigured(subject);
  }

  private Mode effectiveMode(String subject) {
    String s = state.subjectMode(subject);
    return s != null ? Mode.valueOf(s) : globalMode();
  }

  /**
   * Checks a schema against one version ({@code versionText} non-null) or against the versions the
   * subject's level asks for ({@code versionText} null).
   *
   * @return reasons it is incompatible; empty when compatible
   */
  public List<String> checkCompatibility(String subject, String versionText, String schemaText) {
    Schema candidate = parseOrThrow(schemaText);
    CompatibilityLevel level = effectiveLevel(subject);
    if (versionText == null) {
      return Compatibility.check(level, candidate, previousSchemas(subject));
    }
    VersionEntry v = version(subject, versionText, false);
    Schema old = schema(v.id()).schema();
    return Compatibility.check(level, candidate, List.of(old));
  }

  /** Live schemas of the subject, newest first. */
  private List<Schema> previousSchemas(String subject) {
    List<VersionEntry> versions = state.versions(subject, false);
    List<Schema> out = new ArrayList<>(versions.size());
    for (int i = versions.size() - 1; i >= 0; i--) {
      SchemaEntry e = state.schemaById(versions.get(i).id());
      if (e != null) {
        out.add(e.schema());
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- writes (primary only)

  /** Registration request. {@code id}/{@code version} are only honoured in IMPORT mode. */
  public record RegisterRequest(String schema, String schemaType, boolean hasReferences,
      Integer id, Integer version) {}

  public int register(String subject, RegisterRequest req) {
    if (req.schemaType() != null && !req.schemaType().equalsIgnoreCase("AVRO")) {
      throw Errors.invalidSchema("Unsupported schema type '" + req.schemaType()
          + "' for subject '" + subject + "': this registry supports AVRO only");
    }
    if (req.hasReferences()) {
      throw Errors.invalidSchema("Schema references are not supported yet (subject '" + subject
          + "'): inline the referenced types in the schema");
    }
    if (req.schema() == null) {
      throw Errors.invalidSchema("Empty schema for subject '" + subject + "': the body needs a \"schema\" field");
    }
    Schema schema = parseOrThrow(req.schema());
    String canonical = schema.toString();
    synchronized (writeLock) {
      syncIfNeeded();
      for (int attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
        Mode mode = effectiveMode(subject);
        if (mode == Mode.READONLY) {
          throw Errors.notPermitted("Subject '" + subject + "' is in read-only mode");
        }
        boolean importing = mode == Mode.IMPORT;
        if (!importing && (req.id() != null && req.id() >= 0 || req.version() != null && req.version() > 0)) {
          throw Errors.notPermitted("Subject '" + subject
              + "': an id or version can only be given in IMPORT mode");
        }
        List<VersionEntry> live = state.versions(subject, false);
        for (VersionEntry v : live) {
          SchemaEntry e = state.schemaById(v.id());
          if (e != null && e.canonical().equals(canonical)
              && (!importing || req.id() == null || req.id() == v.id())) {
            return v.id();
          }
        }
        if (!importing) {
          List<String> reasons = Compatibility.check(effectiveLevel(subject), schema, previousSchemas(subject));
          if (!reasons.isEmpty()) {
            throw Errors.incompatible("Schema being registered is incompatible with an earlier schema for subject \""
                + subject + "\" (level " + effectiveLevel(subject) + "), details: " + reasons);
          }
        }
        int id;
        int version;
        if (importing && req.id() != null && req.id() >= 0) {
          id = req.id();
          SchemaEntry e = state.schemaById(id);
          if (e != null && !e.canonical().equals(canonical)) {
            throw Errors.notPermitted("Overwrite new schema with id " + id
                + " is not permitted: id " + id + " already names another schema");
          }
        } else {
          Integer existing = state.idOf(canonical);
          id = existing != null ? existing : state.nextId();
        }
        if (importing && req.version() != null && req.version() > 0) {
          version = req.version();
          VersionEntry taken = state.version(subject, version);
          if (taken != null && taken.id() != id) {
            throw Errors.notPermitted("Subject '" + subject + "' version " + version + " already exists with id " + taken.id());
          }
        } else {
          version = state.maxVersion(subject) + 1;
        }
        writeAndWait(StoreRecord.schema(subject, version, id, canonical, false));
        VersionEntry written = state.version(subject, version);
        SchemaEntry byId = state.schemaById(id);
        if (written != null && written.id() == id && byId != null && byId.canonical().equals(canonical)) {
          return id;
        }
        // our record lost to a concurrent writer (a stale primary). Make the key's latest value agree
        // with the state again, so that compaction cannot resurrect the losing record, then retry.
        repairKey(subject, version);
        syncNow();
      }
      throw Errors.storeError("Could not register a schema under subject '" + subject + "' after "
          + MAX_WRITE_ATTEMPTS + " attempts: concurrent writers on the log", null);
    }
  }

  /** Soft (or permanent) deletion of one version; returns the version number. */
  public int deleteVersion(String subject, String versionText, boolean permanent) {
    synchronized (writeLock) {
      syncIfNeeded();
      checkWritable(subject);
      int requested = parseVersion(versionText);
      List<VersionEntry> all = state.versions(subject, true);
      if (all.isEmpty()) {
        throw Errors.subjectNotFound(subject);
      }
      VersionEntry e;
      if (requested == -1) {
        List<VersionEntry> live = state.versions(subject, false);
        if (permanent) {
          e = all.get(all.size() - 1);
        } else if (live.isEmpty()) {
          throw Errors.subjectNotFound(subject);
        } else {
          e = live.get(live.size() - 1);
        }
      } else {
        e = state.version(subject, requested);
        if (e == null) {
          throw Errors.versionNotFound(subject, requested);
        }
      }
      if (permanent) {
        if (!e.deleted()) {
          throw Errors.versionNotSoftDeleted(subject, e.version());
        }
        writeAndWait(StoreRecord.idFloor(state.maxId()));
        writeAndWait(StoreRecord.schemaTombstone(subject, e.version()));
      } else {
        if (e.deleted()) {
          throw Errors.versionSoftDeleted(subject, e.version());
        }
        SchemaEntry s = schema(e.id());
        writeAndWait(StoreRecord.schema(subject, e.version(), e.id(), s.canonical(), true));
      }
      return e.version();
    }
  }

  /** Soft (or permanent, after soft) deletion of a subject; returns the versions deleted. */
  public List<Integer> deleteSubject(String subject, boolean permanent) {
    synchronized (writeLock) {
      syncIfNeeded();
      checkWritable(subject);
      List<VersionEntry> all = state.versions(subject, true);
      if (all.isEmpty()) {
        throw Errors.subjectNotFound(subject);
      }
      List<VersionEntry> live = state.versions(subject, false);
      List<Integer> out = new ArrayList<>();
      if (permanent) {
        if (!live.isEmpty()) {
          throw Errors.subjectNotSoftDeleted(subject);
        }
        writeAndWait(StoreRecord.idFloor(state.maxId()));
        long last = -1;
        for (VersionEntry v : all) {
          last = append(StoreRecord.schemaTombstone(subject, v.version()));
          out.add(v.version());
        }
        awaitApplied(last);
        if (state.subjectConfig(subject) != null) {
          writeAndWait(StoreRecord.config(subject, null));
        }
        if (state.subjectMode(subject) != null) {
          writeAndWait(StoreRecord.mode(subject, null));
        }
      } else {
        if (live.isEmpty()) {
          throw Errors.subjectSoftDeleted(subject);
        }
        writeAndWait(StoreRecord.deleteSubject(subject, all.get(all.size() - 1).version()));
        for (VersionEntry v : live) {
          out.add(v.version());
        }
      }
      return out;
    }
  }

  /** Sets (level non-null) or clears (null) the global (subject null) or subject compatibility. */
  public void setConfig(String subject, CompatibilityLevel level) {
    synchronized (writeLock) {
      syncIfNeeded();
      writeAndWait(StoreRecord.config(subject, level == null ? null : level.name()));
    }
  }

  public void setMode(String subject, Mode mode, boolean force) {
    synchronized (writeLock) {
      syncIfNeeded();
      if (mode == Mode.IMPORT && !force) {
        boolean empty = subject == null ? state.subjects(true).isEmpty() : state.versions(subject, true).isEmpty();
        if (!empty) {
          throw Errors.notPermitted("Cannot import since found existing subjects"
              + (subject == null ? "" : " ('" + subject + "')") + ": use force=true to switch anyway");
        }
      }
      writeAndWait(StoreRecord.mode(subject, mode == null ? null : mode.name()));
    }
  }

  private void repairKey(String subject, int version) {
    VersionEntry winner = state.version(subject, version);
    if (winner == null) {
      writeAndWait(StoreRecord.schemaTombstone(subject, version));
    } else {
      SchemaEntry e = state.schemaById(winner.id());
      if (e != null) {
        writeAndWait(StoreRecord.schema(subject, version, winner.id(), e.canonical(), winner.deleted()));
      }
    }
  }

  private void checkWritable(String subject) {
    if (effectiveMode(subject) == Mode.READONLY) {
      throw Errors.notPermitted("Subject '" + subject + "' is in read-only mode");
    }
  }

  private void syncIfNeeded() {
    if (needsSync) {
      syncNow();
      needsSync = false;
    }
  }

  /** Reads the log to its end: append a NOOP and wait for it (what a new primary does first). */
  private void syncNow() {
    writeAndWait(StoreRecord.noop());
  }

  private void writeAndWait(StoreRecord record) {
    awaitApplied(append(record));
  }

  private long append(StoreRecord record) {
    return store.append(record);
  }

  /** Blocks until this node has applied {@code offset} of the log (50002 after the write timeout). */
  public void awaitApplied(long offset) {
    store.waitApplied(offset, writeTimeoutMs);
  }

  // ---------------------------------------------------------------- helpers

  public static Schema parseOrThrow(String text) {
    if (text == null || text.isBlank()) {
      throw Errors.invalidSchema("Empty schema: the body needs a \"schema\" field with an Avro schema");
    }
    try {
      return RegistryState.parse(text);
    } catch (RuntimeException e) {
      throw Errors.invalidSchema("Invalid Avro schema: " + e.getMessage());
    }
  }

  /** "latest" and -1 mean the latest version (returned as -1); otherwise 1..2^31-1 or 42202. */
  public static int parseVersion(String text) {
    if ("latest".equalsIgnoreCase(text)) {
      return -1;
    }
    try {
      int v = Integer.parseInt(text);
      if (v == -1 || v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw Errors.invalidVersion(text);
  }
}
