package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tributary.log.embedded.EmbeddedCluster;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client-side assignors and client versions: kafka-clients 4.x members with the cooperative-sticky
 * assignor (the broker passes protocols and assignments through untouched), and static membership: a
 * member restarted with the same group.instance.id takes its partitions back without a rebalance.
 */
class ClientsAndAssignorsTest {
  static final String TOPIC = "assign";
  static final int PARTITIONS = 6;

  static List<String> produce(EmbeddedCluster cluster, int from, int to) throws Exception {
    List<String> values = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(cluster.producerProps())) {
      for (int i = from; i < to; i++) {
        p.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
        values.add("v" + i);
      }
      p.flush();
    }
    return values;
  }

  static String kafka4ClassPath() throws Exception {
    Path jar4;
    try (Stream<Path> jars = Files.list(Path.of("target", "kafka-clients-4"))) {
      jar4 = jars.filter(p -> p.getFileName().toString().startsWith("kafka-clients-4")).findFirst()
          .orElseThrow(() -> new AssertionError("target/kafka-clients-4 has no 4.x jar: run through Maven"));
    }
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    List<String> entries = new ArrayList<>();
    entries.add(jar4.toAbsolutePath().toString());
    for (String e : cp.split(File.pathSeparator)) {
      if (!Path.of(e).getFileName().toString().matches("kafka-clients-3.*\\.jar")) {
        entries.add(e);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  static void awaitRead(List<ChildConsumer> members, Collection<String> want, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      Set<String> got = new HashSet<>();
      for (ChildConsumer c : members) {
        c.reads().forEach(r -> got.add(r.value()));
      }
      if (got.containsAll(want)) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        Set<String> missing = new TreeSet<>(want);
        missing.removeAll(got);
        fail(missing.size() + " records not read, e.g. " + missing.stream().limit(5).toList());
      }
      Thread.sleep(200);
    }
  }

  @Test
  void kafkaClients4MembersWithTheCooperativeStickyAssignor(@TempDir Path dir) throws Exception {
    String cp4 = kafka4ClassPath();
    String coop = "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
    String group = "coop-4x";
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir.resolve("cluster"), CommitResumeTest.groupOverrides());
         Admin admin = cluster.admin()) {
      cluster.createTopic(TOPIC, PARTITIONS, 1, Map.of());
      List<String> produced = new ArrayList<>(produce(cluster, 0, 600));
      List<ChildConsumer> members = new ArrayList<>();
      try {
        Path out = dir.resolve("members");
        members.add(ChildConsumer.start("a", out, cluster.bootstrapServers(), group, TOPIC, 6_000, cp4, coop));
        members.add(ChildConsumer.start("b", out, cluster.bootstrapServers(), group, TOPIC, 6_000, cp4, coop));
        ConsumerGroupDescription two;
        try {
          two = awaitGroup(admin, group, 2);
        } catch (AssertionError e) {
          for (ChildConsumer m : members) {
            System.out.println("---- " + m.log + "\n" + String.join("\n", Files.readAllLines(m.log)));
          }
          throw e;
        }
        assertEquals("cooperative-sticky", two.partitionAssignor());
        produced.addAll(produce(cluster, 600, 1200));
        awaitRead(members, produced, 60_000);

        members.add(ChildConsumer.start("c", out, cluster.bootstrapServers(), group, TOPIC, 6_000, cp4, coop));
        ConsumerGroupDescription three = awaitGroup(admin, group, 3);
        produced.addAll(produce(cluster, 1200, 1800));
        awaitRead(members, produced, 60_000);
        for (ChildConsumer m : members) {
          m.stop();
        }
        int reads = 0;
        Set<String> distinct = new HashSet<>();
        for (ChildConsumer m : members) {
          String version = Files.readAllLines(m.output).stream().filter(l -> l.startsWith("I ")).findFirst().orElse("");
          assertTrue(version.startsWith("I 4."), m.name + " ran kafka-clients 4.x: " + version);
          reads += m.reads().size();
          m.reads().forEach(r -> distinct.add(r.value()));
        }
        assertEquals(new HashSet<>(produced), distinct);
        assertEquals(produced.size(), reads, "no record read twice");
        System.out.println("ClientsAndAssignorsTest: kafka-clients 4.x x3, cooperative-sticky: "
            + two.members().stream().map(m -> m.assignment().topicPartitions().size()).toList() + " then "
            + three.members().stream().map(m -> m.assignment().topicPartitions().size()).toList()
            + " partitions; " + produced.size() + " produced, " + reads + " read, 0 duplicates");
      } finally {
        for (ChildConsumer m : members) {
          m.close();
        }
      }
    }
  }

  static ConsumerGroupDescription awaitGroup(Admin admin, String group, int members) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    ConsumerGroupDescription d = null;
    while (System.currentTimeMillis() < deadline) {
      d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      Set<TopicPartition> all = new HashSet<>();
      d.members().forEach(m -> all.addAll(m.assignment().topicPartitions()));
      if (d.state() == org.apache.kafka.common.ConsumerGroupState.STABLE && d.members().size() == members
          && all.size() == PARTITIONS && d.members().stream().noneMatch(m -> m.assignment().topicPartitions().isEmpty())) {
        return d;
      }
      Thread.sleep(100);
    }
    fail("group " + group + " not stable with " + members + " members owning all partitions: " + d);
    return null;
  }

  static Properties staticProps(EmbeddedCluster cluster, String group, String instance) {
    Properties p = CommitResumeTest.consumerProps(cluster, group);
    p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance);
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "20000");
    return p;
  }

  @Test
  void staticMemberRestartKeepsItsPartitionsWithoutRebalance(@TempDir Path dir) throws Exception {
    String group = "static";
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, CommitResumeTest.groupOverrides());
         Admin admin = cluster.admin()) {
      cluster.createTopic(TOPIC, PARTITIONS, 1, Map.of());
      produce(cluster, 0, 60);
      AtomicInteger bAssigned = new AtomicInteger();
      AtomicInteger bRevoked = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> bFailed = new AtomicReference<>();
      Thread b = new Thread(() -> {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(staticProps(cluster, group, "member-b"))) {
          c.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              bRevoked.incrementAndGet();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              bAssigned.incrementAndGet();
            }
          });
          while (!stop.get()) {
            c.poll(Duration.ofMillis(100));
          }
        } catch (Throwable t) {
          bFailed.set(t);
        }
      }, "static-member-b");
      b.start();
      try {
        Set<TopicPartition> first;
        try (KafkaConsumer<byte[], byte[]> a = new KafkaConsumer<>(staticProps(cluster, group, "member-a"))) {
          a.subscribe(List.of(TOPIC));
          long deadline = System.currentTimeMillis() + 60_000;
          while (System.currentTimeMillis() < deadline) {
            a.poll(Duration.ofMillis(100));
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            if (d.state() == org.apache.kafka.common.ConsumerGroupState.STABLE && d.members().size() == 2
                && !a.assignment().isEmpty() && a.assignment().size() < PARTITIONS) {
              break;
            }
          }
          first = new HashSet<>(a.assignment());
          assertEquals(3, first.size(), "two static members share 6 partitions");
          a.commitSync();
        } // close(): a static member does not leave the group
        Thread.sleep(500);
        int assignedBefore = bAssigned.get();
        int revokedBefore = bRevoked.get();
        ConsumerGroupDescription whileAway = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        assertEquals(2, whileAway.members().size(), "the closed static member stays in the group for its session");

        Set<TopicPartition> second;
        try (KafkaConsumer<byte[], byte[]> a2 = new KafkaConsumer<>(staticProps(cluster, group, "member-a"))) {
          a2.subscribe(List.of(TOPIC));
          long deadline = System.currentTimeMillis() + 30_000;
          while (a2.assignment().isEmpty() && System.currentTimeMillis() < deadline) {
            a2.poll(Duration.ofMillis(100));
          }
          second = new HashSet<>(a2.assignment());
          for (int i = 0; i < 10; i++) {
            a2.poll(Duration.ofMillis(100));
          }
          ConsumerGroupDescription after = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
          assertEquals(2, after.members().size());
          assertTrue(after.members().stream().anyMatch(m -> m.groupInstanceId().orElse("").equals("member-a")));
          // Leave for real at the end is not needed: the group is dropped with the cluster.
        }
        assertEquals(first, second, "the restarted static member gets its partitions back");
        assertEquals(assignedBefore, bAssigned.get(), "the other member saw no rebalance (no new assignment)");
        assertEquals(revokedBefore, bRevoked.get(), "the other member saw no rebalance (nothing revoked)");
        System.out.println("ClientsAndAssignorsTest: static member-a restarted and got " + new TreeSet<>(second.stream()
            .map(TopicPartition::toString).collect(Collectors.toSet())) + " back; member-b saw no rebalance");
      } finally {
        stop.set(true);
        b.join(30_000);
      }
      assertEquals(null, bFailed.get());
    }
  }
}
