package io.tributary.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.tributary.registry.store.LogStore;
import io.tributary.registry.store.RegistryState;
import io.tributary.registry.store.StoreRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two writers on one log, one of them stale (it has not read the other's latest record, as a primary
 * that lost its ZooKeeper session but has not noticed yet). The stale writer picks an id that is
 * already taken; its record loses in the log on every node, and it retries with a fresh id.
 */
class StalePrimaryTest {

  /** One shared log; each node applies it only when it waits for an offset (so it can be stale). */
  static final class SharedLogNode implements LogStore {
    private final List<StoreRecord> log;
    private final RegistryState state = new RegistryState();
    private int applied;

    SharedLogNode(List<StoreRecord> log) {
      this.log = log;
    }

    @Override
    public void start() {}

    @Override
    public long append(StoreRecord record) {
      synchronized (log) {
        log.add(StoreRecord.decodeQuietly(record));
        return log.size() - 1;
      }
    }

    @Override
    public void waitApplied(long offset, long timeoutMs) {
      synchronized (log) {
        while (applied <= offset) {
          state.apply(applied, log.get(applied));
          applied++;
        }
      }
    }

    @Override
    public RegistryState state() {
      return state;
    }

    @Override
    public void close() {}
  }

  static SchemaRegistry.RegisterRequest req(String name) {
    return new SchemaRegistry.RegisterRequest(
        "{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[]}", null, false, null, null);
  }

  @Test
  void staleWriterNeverReusesAnId() {
    List<StoreRecord> log = new ArrayList<>();
    SharedLogNode nodeA = new SharedLogNode(log);
    SharedLogNode nodeB = new SharedLogNode(log);
    SchemaRegistry a = new SchemaRegistry(nodeA, CompatibilityLevel.NONE, 1000);
    SchemaRegistry b = new SchemaRegistry(nodeB, CompatibilityLevel.NONE, 1000);

    int x = b.register("s", req("X"));       // b is up to date here
    int y = a.register("t", req("Y"));       // a syncs, sees X, takes the next id
    assertNotEquals(x, y);
    int z = b.register("u", req("Z"));       // b has not read Y: it first tries y's id, loses, retries
    assertNotEquals(y, z);
    assertNotEquals(x, z);

    // every node that replays the log agrees
    RegistryState replay = new RegistryState();
    for (int i = 0; i < log.size(); i++) {
      replay.apply(i, log.get(i));
    }
    assertEquals(1, replay.rejectedRecords());
    assertEquals("Y", replay.schemaById(y).schema().getName());
    assertEquals("Z", replay.schemaById(z).schema().getName());
    assertEquals(z, replay.version("u", 1).id());

    // and so does a replay of what compaction keeps (the latest value per key, tombstones dropped)
    RegistryState compacted = new RegistryState();
    for (int i = 0; i < log.size(); i++) {
      StoreRecord r = log.get(i);
      boolean superseded = false;
      for (int j = i + 1; j < log.size(); j++) {
        superseded |= java.util.Arrays.equals(log.get(j).keyBytes(), r.keyBytes());
      }
      if (!superseded && r.value() != null) {
        compacted.apply(i, r);
      }
    }
    assertEquals(0, compacted.rejectedRecords());
    assertEquals("Y", compacted.schemaById(y).schema().getName());
    assertEquals("Z", compacted.schemaById(z).schema().getName());
  }
}
