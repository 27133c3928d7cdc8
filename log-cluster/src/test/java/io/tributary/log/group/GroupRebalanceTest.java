package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Done-when 1: real Java consumers (each in its own JVM) in one group over a 6-partition topic: two
 * split the partitions and read everything once; a third joins and partitions move; one is killed with
 * SIGKILL and its partitions move to the others after its session times out. Across all members the
 * records read equal the records produced; duplicates only where the killed member had read past its
 * last commit.
 */
class GroupRebalanceTest {
  static final String GROUP = "rebalance-group";
  static final String TOPIC = "events";
  static final int PARTITIONS = 6;
  static final int SESSION_MS = 6_000;

  final AtomicInteger nextValue = new AtomicInteger();
  final List<String> produced = new ArrayList<>();

  void produce(KafkaProducer<byte[], byte[]> producer, int n) {
    for (int i = 0; i < n; i++) {
      int v = nextValue.getAndIncrement();
      producer.send(new ProducerRecord<>(TOPIC, v % PARTITIONS, null, ("v" + v).getBytes(StandardCharsets.UTF_8)));
      synchronized (produced) {
        produced.add("v" + v);
      }
    }
    producer.flush();
  }

  static ConsumerGroupDescription describe(Admin admin) throws Exception {
    return admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
  }

  /** Stable with {@code members} members, all 6 partitions assigned, each member owning at least one. */
  static Predicate<ConsumerGroupDescription> stableWith(int members) {
    return d -> {
      if (d.state() != ConsumerGroupState.STABLE || d.members().size() != members) {
        return false;
      }
      Set<TopicPartition> all = new HashSet<>();
      for (MemberDescription m : d.members()) {
        if (m.assignment().topicPartitions().isEmpty()) {
          return false;
        }
        all.addAll(m.assignment().topicPartitions());
      }
      return all.size() == PARTITIONS;
    };
  }

  static ConsumerGroupDescription awaitGroup(Admin admin, Predicate<ConsumerGroupDescription> p, long timeoutMs, String what)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    ConsumerGroupDescription d = null;
    while (System.currentTimeMillis() < deadline) {
      d = describe(admin);
      if (p.test(d)) {
        return d;
      }
      Thread.sleep(100);
    }
    fail(what + " within " + timeoutMs + " ms; last description: " + d);
    return null;
  }

  static Set<String> distinctValues(List<ChildConsumer> members) throws Exception {
    Set<String> s = new HashSet<>();
    for (ChildConsumer c : members) {
      c.reads().forEach(r -> s.add(r.value()));
    }
    return s;
  }

  void awaitAllRead(List<ChildConsumer> members, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Set<String> want;
    synchronized (produced) {
      want = new HashSet<>(produced);
    }
    while (System.currentTimeMillis() < deadline) {
      if (distinctValues(members).containsAll(want)) {
        return;
      }
      Thread.sleep(200);
    }
    Set<String> missing = new TreeSet<>(want);
    missing.removeAll(distinctValues(members));
    fail(missing.size() + " produced records not read within " + timeoutMs + " ms, e.g. "
        + missing.stream().limit(10).toList());
  }

  static Set<Integer> partitionsReadIn(ChildConsumer c, Set<String> values) throws Exception {
    Set<Integer> s = new TreeSet<>();
    c.reads().stream().filter(r -> values.contains(r.value())).forEach(r -> s.add(r.partition()));
    return s;
  }

  @Test
  void membersSplitPartitionsRebalanceOnJoinAndOnKill9WithoutLosingRecords(@TempDir Path dir) throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir.resolve("cluster"), CommitResumeTest.groupOverrides());
         Admin admin = cluster.admin();
         KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      cluster.createTopic(TOPIC, PARTITIONS, 1, Map.of());
      String bootstrap = cluster.bootstrapServers();
      Path out = dir.resolve("members");
      List<ChildConsumer> all = new ArrayList<>();
      try {
        // ---- two members split the partitions and read everything exactly once
        produce(producer, 3_000);
        ChildConsumer a = ChildConsumer.start("a", out, bootstrap, GROUP, TOPIC, SESSION_MS);
        ChildConsumer b = ChildConsumer.start("b", out, bootstrap, GROUP, TOPIC, SESSION_MS);
        all.add(a);
        all.add(b);
        ConsumerGroupDescription two = awaitGroup(admin, stableWith(2), 60_000, "two members sharing 6 partitions");
        int before = produced.size();
        produce(producer, 3_000);
        awaitAllRead(all, 60_000);
        Set<String> phase1 = new HashSet<>(produced.subList(before, produced.size()));
        Set<Integer> pa = partitionsReadIn(a, phase1);
        Set<Integer> pb = partitionsReadIn(b, phase1);
        System.out.println("GroupRebalanceTest: 2 members: " + two.members().stream()
            .map(m -> m.assignment().topicPartitions().size()).toList() + " partitions; a read partitions " + pa
            + ", b read " + pb + " of the records produced while both were in the group");
        assertTrue(!pa.isEmpty() && !pb.isEmpty(), "each member reads");
        assertTrue(pa.stream().noneMatch(pb::contains), "a partition is read by one member at a time");
        assertEquals(0, duplicates(all).size(), "no record read twice so far");

        // ---- a third member joins: partitions move
        ChildConsumer c = ChildConsumer.start("c", out, bootstrap, GROUP, TOPIC, SESSION_MS);
        all.add(c);
        ConsumerGroupDescription three = awaitGroup(admin, stableWith(3), 60_000, "three members sharing 6 partitions");
        before = produced.size();
        produce(producer, 3_000);
        awaitAllRead(all, 60_000);
        Set<String> phase2 = new HashSet<>(produced.subList(before, produced.size()));
        Set<Integer> pc = partitionsReadIn(c, phase2);
        System.out.println("GroupRebalanceTest: 3 members: " + three.members().stream()
            .map(m -> m.assignment().topicPartitions().size()).toList() + " partitions; c read partitions " + pc);
        assertTrue(!pc.isEmpty(), "the new member got partitions");
        assertEquals(0, duplicates(all).size(), "graceful rebalances read nothing twice");

        // ---- kill -9 one member while records keep coming
        Thread bg = new Thread(() -> {
          for (int i = 0; i < 20; i++) {
            produce(producer, 200);
            try {
              Thread.sleep(250);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        bg.start();
        Thread.sleep(1_500);
        // Kill c in the middle of processing: records read and written out but not yet committed (its
        // output ends with R lines), so the new owner reads them again: the duplicates Kafka allows.
        boolean midBatch = false;
        long killBy = System.currentTimeMillis() + 5_000;
        while (!midBatch && System.currentTimeMillis() < killBy) {
          List<String> lines = java.nio.file.Files.readAllLines(c.output);
          midBatch = !lines.isEmpty() && lines.get(lines.size() - 1).startsWith("R ");
          if (!midBatch) {
            Thread.sleep(2);
          }
        }
        long killedAt = System.currentTimeMillis();
        c.kill9();
        ConsumerGroupDescription afterKill = awaitGroup(admin, stableWith(2), SESSION_MS + 20_000,
            "the two survivors owning all 6 partitions after the kill");
        long movedMs = System.currentTimeMillis() - killedAt;
        bg.join();
        awaitAllRead(List.of(a, b, c), 60_000);
        a.stop();
        b.stop();

        // ---- the whole history
        Set<String> read = distinctValues(all);
        Set<String> want = new HashSet<>(produced);
        assertEquals(want.size(), produced.size(), "produced values are unique");
        Set<String> missing = new TreeSet<>(want);
        missing.removeAll(read);
        Set<String> extra = new TreeSet<>(read);
        extra.removeAll(want);
        assertTrue(missing.isEmpty(), "gap: " + missing.size() + " records never read");
        assertTrue(extra.isEmpty(), "records read that were never produced: " + extra);

        Map<String, Integer> dups = duplicates(all);
        Map<Integer, Long> cCommits = c.lastCommits();
        Map<String, ChildConsumer.Read> cReads = new HashMap<>();
        c.reads().forEach(r -> cReads.put(r.value(), r));
        for (String v : dups.keySet()) {
          ChildConsumer.Read r = cReads.get(v);
          assertTrue(r != null, v + " was read twice but not by the killed member");
          long committed = cCommits.getOrDefault(r.partition(), -1L);
          assertTrue(r.offset() >= committed, v + " (partition " + r.partition() + " offset " + r.offset()
              + ") was read twice though the killed member had committed up to " + committed);
        }
        int totalReads = 0;
        for (ChildConsumer m : all) {
          totalReads += m.reads().size();
        }
        System.out.printf("GroupRebalanceTest: produced %d, read %d distinct (%d reads in all), gap 0, "
                + "duplicates %d (all after the killed member's last commit: %s); partitions moved %d ms after "
                + "kill -9 (session.timeout.ms=%d, killed %s); commit failures a=%d b=%d c=%d%n",
            produced.size(), read.size(), totalReads, dups.size(), cCommits, movedMs, SESSION_MS,
            midBatch ? "between a read and its commit" : "while idle",
            a.commitFailures(), b.commitFailures(), c.commitFailures());
        // Session expiry (6 s after the last heartbeat) plus the survivors rejoining at their next heartbeat;
        // the bound leaves room for a loaded 2-core machine, the figure is printed above.
        assertTrue(movedMs <= SESSION_MS + 6_000, "partitions moved " + movedMs + " ms after the kill");
        assertEquals(2, afterKill.members().size());
      } finally {
        for (ChildConsumer m : all) {
          m.close();
        }
      }
    }
  }

  /** Values read more than once across all members, with how many times. */
  static Map<String, Integer> duplicates(List<ChildConsumer> members) throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    for (ChildConsumer c : members) {
      c.reads().forEach(r -> counts.merge(r.value(), 1, Integer::sum));
    }
    counts.values().removeIf(n -> n == 1);
    return counts;
  }
}
