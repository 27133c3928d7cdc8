package io.tributary.registry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.registry.CompatibilityLevel;
import io.tributary.registry.SchemaRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state machine, driven record by record. */
class RegistryStateTest {
  static final String S1 = "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}";
  static final String S2 = "{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"y\",\"type\":\"int\"}]}";

  @Test
  void firstRecordWinsOnConflicts() {
    RegistryState st = new RegistryState();
    assertTrue(st.apply(0, StoreRecord.schema("s", 1, 1, S1, false)));
    // a stale primary gives the same id to another schema: refused
    assertFalse(st.apply(1, StoreRecord.schema("t", 1, 1, S2, false)));
    // or another id to an existing subject/version: refused
    assertFalse(st.apply(2, StoreRecord.schema("s", 1, 2, S2, false)));
    assertEquals(List.of(), st.versions("t", true));
    assertEquals(1, st.version("s", 1).id());
    assertEquals(2, st.rejectedRecords());
    // rewriting the same id for the same version (a soft delete) is fine
    assertTrue(st.apply(3, StoreRecord.schema("s", 1, 1, S1, true)));
    assertTrue(st.version("s", 1).deleted());
  }

  @Test
  void offsetsMustGrow() {
    RegistryState st = new RegistryState();
    st.apply(5, StoreRecord.noop());
    assertThrows(IllegalStateException.class, () -> st.apply(5, StoreRecord.noop()));
  }

  @Test
  void replayGivesTheSameStateAndIdsSurvivePermanentDeletes() {
    InMemoryLogStore log = new InMemoryLogStore();
    SchemaRegistry reg = new SchemaRegistry(log, CompatibilityLevel.NONE, 1000);
    int a = reg.register("s", new SchemaRegistry.RegisterRequest(S1, null, false, null, null));
    int b = reg.register("t", new SchemaRegistry.RegisterRequest(S2, null, false, null, null));
    reg.deleteSubject("t", false);
    reg.deleteSubject("t", true);
    reg.setConfig(null, CompatibilityLevel.FULL);

    // replay, dropping what compaction may drop: every tombstoned key and superseded value
    RegistryState replayed = new RegistryState();
    List<StoreRecord> recs = log.records();
    for (int i = 0; i < recs.size(); i++) {
      StoreRecord r = recs.get(i);
      boolean superseded = false;
      for (int j = i + 1; j < recs.size(); j++) {
        if (java.util.Arrays.equals(recs.get(j).keyBytes(), r.keyBytes())) {
          superseded = true;
        }
      }
      if (!superseded && r.value() != null || r.type() == StoreRecord.KeyType.NOOP) {
        replayed.apply(i, StoreRecord.decodeQuietly(r));
      }
    }
    assertEquals(List.of("s"), replayed.subjects(true));
    assertEquals(a, replayed.version("s", 1).id());
    assertNull(replayed.schemaById(b));
    assertEquals("FULL", replayed.globalConfig());
    // b's id is still taken: the next id is above it
    assertTrue(replayed.nextId() > b);
  }
}
