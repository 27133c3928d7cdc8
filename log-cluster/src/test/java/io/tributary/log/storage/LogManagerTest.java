package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {
  @TempDir Path tmp;
  final ManualTime time = new ManualTime(1_700_000_000_000L);

  /**
   * A new log's overrides file is not fsynced: a crash can lose it or leave it empty. The restart then loads the
   * log with the broker defaults, and the metadata's getOrCreate gives it back its topic's configs, and the file.
   */
  @Test
  void aNewLogWhoseOverridesFileWasLostGetsItsConfigsBackFromTheMetadata() throws IOException {
    List<Path> dirs = List.of(tmp.resolve("d1"));
    Uuid id = Uuid.randomUuid();
    TopicPartition tp = new TopicPartition("__consumer_offsets", 7);
    Map<String, String> overrides = Map.of("cleanup.policy", "compact", "segment.bytes", "2000");
    Path dir;
    try (LogManager m = new LogManager(dirs, Map.of(), time)) {
      m.startup();
      PartitionLog l = m.getOrCreate(tp, id, overrides);
      l.appendAsLeader(batch("x", 3, 1L), 0);
      dir = l.dir();
    }
    for (boolean lost : List.of(true, false)) {
      if (lost) {
        Files.delete(dir.resolve(LogManager.OVERRIDES_FILE));
      } else {
        Files.writeString(dir.resolve(LogManager.OVERRIDES_FILE), ""); // torn: created, never written back
      }
      try (LogManager m = new LogManager(dirs, Map.of(), time)) {
        m.startup();
        PartitionLog l = m.get(tp).orElseThrow();
        assertFalse(l.config().compact()); // the defaults until the metadata arrives
        assertEquals(3, l.logEndOffset());
        assertSame(l, m.getOrCreate(tp, id, overrides));
        assertTrue(l.config().compact());
        assertEquals(2000, l.config().segmentBytes());
      }
      try (LogManager m = new LogManager(dirs, Map.of(), time)) {
        m.startup();
        assertTrue(m.get(tp).orElseThrow().config().compact(), "the file was rewritten");
      }
    }
  }

  @Test
  void createsLoadsAndSpreadsOverLogDirs() throws IOException {
    List<Path> dirs = List.of(tmp.resolve("d1"), tmp.resolve("d2"));
    Uuid id = Uuid.randomUuid();
    TopicPartition a0 = new TopicPartition("my-topic", 0);
    TopicPartition a1 = new TopicPartition("my-topic", 1);
    try (LogManager m = new LogManager(dirs, Map.of("retention.ms", "1000"), time)) {
      m.startup();
      PartitionLog l0 = m.getOrCreate(a0, id, Map.of("segment.bytes", "1000"));
      PartitionLog l1 = m.getOrCreate(a1, id, Map.of());
      assertSame(l0, m.getOrCreate(a0, id, Map.of("segment.bytes", "1000")));
      assertNotEquals(l0.dir().getParent(), l1.dir().getParent());
      assertEquals("my-topic-0", l0.dir().getFileName().toString());
      assertEquals(1000, l0.config().segmentBytes());
      assertEquals(1000L, l0.config().retentionMs());
      assertFalse(l0.config().isDefault("retention.ms"));
      l0.appendAsLeader(batch("x", 3, 1L), 0);
      l1.appendAsLeader(batch("y", 2, 1L), 0);
      // changed overrides apply to the open log
      m.getOrCreate(a1, id, Map.of("cleanup.policy", "compact"));
      assertTrue(l1.config().compact());
    }
    try (LogManager m = new LogManager(dirs, Map.of("retention.ms", "1000"), time)) {
      m.startup();
      assertEquals(2, m.all().size());
      PartitionLog l0 = m.get(a0).orElseThrow();
      assertEquals(3, l0.logEndOffset());
      assertEquals(id, l0.topicId());
      assertEquals(1000, l0.config().segmentBytes()); // overrides reloaded with the partition
      assertTrue(m.get(a1).orElseThrow().config().compact());
      assertEquals(2, m.get(a1).orElseThrow().logEndOffset());
      assertEquals(Optional.empty(), m.get(new TopicPartition("my-topic", 2)));
    }
  }

  @Test
  void recreatedTopicWithAnotherIdStartsEmpty() throws IOException {
    List<Path> dirs = List.of(tmp.resolve("d"));
    TopicPartition tp = new TopicPartition("t", 0);
    Uuid oldId = Uuid.randomUuid();
    try (LogManager m = new LogManager(dirs, Map.of(), time)) {
      m.startup();
      m.getOrCreate(tp, oldId, Map.of()).appendAsLeader(batch("old", 5, 1L), 0);
    }
    Uuid newId = Uuid.randomUuid();
    try (LogManager m = new LogManager(dirs, Map.of(), time)) {
      m.startup();
      assertEquals(5, m.get(tp).orElseThrow().logEndOffset());
      PartitionLog fresh = m.getOrCreate(tp, newId, Map.of());
      assertEquals(newId, fresh.topicId());
      assertEquals(0, fresh.logEndOffset());
      assertEquals(0, fresh.appendAsLeader(batch("new", 1, 1L), 0).firstOffset());
    }
    try (LogManager m = new LogManager(dirs, Map.of(), time)) {
      m.startup();
      assertEquals(newId, m.get(tp).orElseThrow().topicId());
      assertEquals(1, m.get(tp).orElseThrow().logEndOffset());
    }
  }

  @Test
  void deleteRemovesTheDirectory() throws IOException {
    try (LogManager m = new LogManager(List.of(tmp.resolve("d")), Map.of(), time)) {
      m.startup();
      TopicPartition tp = new TopicPartition("gone", 4);
      PartitionLog l = m.getOrCreate(tp, Uuid.randomUuid(), Map.of());
      l.appendAsLeader(batch("x", 1, 1L), 0);
      m.delete(tp);
      assertFalse(Files.exists(l.dir()));
      assertTrue(m.get(tp).isEmpty());
      assertTrue(m.all().isEmpty());
    }
  }

  @Test
  void retentionAndCompactionPass() throws IOException {
    try (LogManager m = new LogManager(List.of(tmp.resolve("d")), Map.of("segment.bytes", "500"), time)) {
      m.startup();
      PartitionLog del = m.getOrCreate(new TopicPartition("del", 0), Uuid.randomUuid(), Map.of("retention.ms", "1000"));
      PartitionLog cmp = m.getOrCreate(new TopicPartition("cmp", 0), Uuid.randomUuid(), Map.of("cleanup.policy", "compact"));
      for (int i = 0; i < 20; i++) {
        del.appendAsLeader(batch("v" + i, 2, time.milliseconds()), 0);
        cmp.appendAsLeader(TestRecords.keyed(time.milliseconds(), "k", "v" + i), 0);
      }
      long cmpSize = cmp.size();
      time.sleep(2000);
      m.runRetentionAndCompactionNow();
      assertTrue(del.logStartOffset() > 0);
      assertEquals(1, del.segmentBaseOffsets().size());
      assertTrue(cmp.size() < cmpSize);
      assertEquals("v19", TestRecords.readAll(cmp).get(TestRecords.readAll(cmp).size() - 1).value());
      m.startBackgroundTasks(10, 10); // starts and stops cleanly
    }
  }

  @Test
  void badBrokerDefaultsAndDirNamesAreHandled() throws IOException {
    assertThrows(ConfigException.class, () -> new LogManager(List.of(tmp), Map.of("no.such.key", "1"), time));
    Files.createDirectories(tmp.resolve("d").resolve("not_a_partition"));
    try (LogManager m = new LogManager(List.of(tmp.resolve("d")), Map.of(), time)) {
      m.startup();
      assertTrue(m.all().isEmpty());
    }
    assertEquals(Optional.of(new TopicPartition("a-b-c", 12)), LogManager.parse("a-b-c-12"));
    assertEquals(Optional.empty(), LogManager.parse("abc"));
  }

  @Test
  void backgroundTasksApplyRetentionAndFlushMs() throws Exception {
    try (LogManager m = new LogManager(List.of(tmp.resolve("d")), Map.of("segment.bytes", "500"), time)) {
      m.startup();
      PartitionLog l = m.getOrCreate(new TopicPartition("bg", 0), Uuid.randomUuid(), Map.of("retention.ms", "1000", "flush.ms", "500"));
      for (int i = 0; i < 20; i++) {
        l.appendAsLeader(batch("v" + i, 2, time.milliseconds()), 0);
      }
      assertEquals(0, l.recoveryPoint());
      time.sleep(2000);
      m.startBackgroundTasks(5, 5);
      long deadline = System.currentTimeMillis() + 5000;
      while ((l.logStartOffset() == 0 || l.recoveryPoint() < 40) && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(l.logStartOffset() > 0, "retention ran");
      assertEquals(40, l.recoveryPoint(), "flush.ms ran");
    }
  }

  @Test
  void aLogDirServesOneBrokerAtATime() throws IOException {
    List<Path> dirs = List.of(tmp.resolve("shared"));
    try (LogManager first = new LogManager(dirs, Map.of(), time)) {
      first.startup();
      LogManager second = new LogManager(dirs, Map.of(), time);
      IOException e = assertThrows(IOException.class, second::startup);
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
      second.close();
    }
    try (LogManager again = new LogManager(dirs, Map.of(), time)) {
      again.startup(); // released by close
    }
  }

  /** Two creators of one partition, racing outside the log manager's lock, get one log and one directory. */
  @Test
  void concurrentCreatorsOfOnePartitionGetOneLog() throws Exception {
    TopicPartition tp = new TopicPartition("raced", 0);
    Uuid id = Uuid.randomUuid();
    int creators = 8;
    for (int round = 0; round < 20; round++) {
      Path dir = tmp.resolve("round-" + round);
      try (LogManager m = new LogManager(List.of(dir.resolve("d1"), dir.resolve("d2")), Map.of(), time)) {
        m.startup();
        ExecutorService pool = Executors.newFixedThreadPool(creators);
        try {
          CountDownLatch start = new CountDownLatch(1);
          List<Future<PartitionLog>> got = new ArrayList<>();
          for (int i = 0; i < creators; i++) {
            boolean batch = i % 2 == 0;
            got.add(pool.submit(() -> {
              start.await();
              if (batch) { // a batch naming the partition twice reserves it once
                LogManager.LogSpec spec = new LogManager.LogSpec(tp, id, Map.of());
                LogManager.Opened o = m.getOrCreateAll(List.of(spec, spec));
                assertEquals(Map.of(), o.failures());
                return o.logs().get(tp);
              }
              return m.getOrCreate(tp, id, Map.of());
            }));
          }
          start.countDown();
          PartitionLog first = got.get(0).get(30, TimeUnit.SECONDS);
          for (Future<PartitionLog> f : got) {
            assertSame(first, f.get(30, TimeUnit.SECONDS));
          }
          assertSame(first, m.get(tp).orElseThrow());
          assertEquals(1, m.all().size());
          long dirs = Stream.of("d1", "d2").filter(d -> Files.isDirectory(dir.resolve(d).resolve("raced-0"))).count();
          assertEquals(1, dirs, "one directory for the partition");
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  /**
   * The new partitions of one metadata image are created together: spread over the log dirs, each published once
   * its directory entry was synced, one failure (a bad topic config) reported without failing the others, and a
   * recreated topic's old data replaced. All of them load again after a restart.
   */
  @Test
  void manyNewLogsAtOnceAreSpreadReportedAndLoadedAgain() throws IOException {
    List<Path> dirs = List.of(tmp.resolve("d1"), tmp.resolve("d2"));
    Uuid offsetsId = Uuid.randomUuid();
    Uuid oldId = Uuid.randomUuid();
    Uuid newId = Uuid.randomUuid();
    TopicPartition recreated = new TopicPartition("recreated", 0);
    TopicPartition bad = new TopicPartition("bad", 0);
    try (LogManager m = new LogManager(dirs, Map.of(), time)) {
      m.startup();
      m.getOrCreate(recreated, oldId, Map.of()).appendAsLeader(batch("old", 5, 1L), 0);
      List<LogManager.LogSpec> specs = new ArrayList<>();
      for (int p = 0; p < 50; p++) {
        specs.add(new LogManager.LogSpec(new TopicPartition("__consumer_offsets", p), offsetsId, Map.of("cleanup.policy", "compact")));
      }
      specs.add(new LogManager.LogSpec(bad, Uuid.randomUuid(), Map.of("segment.bytes", "not a number")));
      specs.add(new LogManager.LogSpec(recreated, newId, Map.of()));

      LogManager.Opened opened = m.getOrCreateAll(specs);

      assertEquals(Set.of(bad), opened.failures().keySet());
      assertTrue(opened.failures().get(bad) instanceof ConfigException, opened.failures().toString());
      assertEquals(51, opened.logs().size());
      assertFalse(m.get(bad).isPresent());
      assertEquals(newId, opened.logs().get(recreated).topicId());
      assertEquals(0, opened.logs().get(recreated).logEndOffset(), "the old topic's data is gone");
      for (int p = 0; p < 50; p++) {
        TopicPartition tp = new TopicPartition("__consumer_offsets", p);
        assertSame(opened.logs().get(tp), m.get(tp).orElseThrow());
        assertTrue(opened.logs().get(tp).config().compact());
      }
      Map<Path, Long> perDir = m.all().stream().collect(Collectors.groupingBy(l -> l.dir().getParent(), Collectors.counting()));
      assertEquals(Map.of(dirs.get(0), 26L, dirs.get(1), 25L), perDir, "spread over the log dirs");
    }
    try (LogManager m = new LogManager(dirs, Map.of(), time)) {
      m.startup();
      assertEquals(51, m.all().size());
      assertEquals(newId, m.get(recreated).orElseThrow().topicId());
      assertTrue(m.get(new TopicPartition("__consumer_offsets", 49)).orElseThrow().config().compact());
    }
  }
}
