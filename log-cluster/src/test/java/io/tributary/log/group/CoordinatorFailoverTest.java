package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tributary.log.embedded.BrokerRegistrations;
import io.tributary.testkit.BrokerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Done-when 3: three brokers (each its own JVM), {@code __consumer_offsets} with replication factor 3. A
 * group commits continuously; the broker coordinating it is killed with SIGKILL. Afterwards a new
 * coordinator serves the group, no acknowledged commit is lost (every partition's committed offset is at
 * least the last one acknowledged before the kill, and at the end at least the last acknowledged at all),
 * and the group re-forms and keeps committing.
 */
class CoordinatorFailoverTest {
  static final String GROUP = "failover-group";
  static final String TOPIC = "work";
  static final int PARTITIONS = 3;

  @Test
  void noAcknowledgedCommitIsLostWhenTheCoordinatorIsKilled(@TempDir Path dir) throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      List<BrokerProcess> brokers = new ArrayList<>();
      try {
        for (int id = 0; id < 3; id++) {
          brokers.add(new BrokerProcess(dir.resolve("broker-" + id), Map.of(
              "broker.id", Integer.toString(id), "zookeeper.connect", zk.getConnectString(),
              "zookeeper.session.timeout.ms", "6000", "offsets.topic.num.partitions", "3",
              "offsets.topic.replication.factor", "3", "group.initial.rebalance.delay.ms", "0",
              "group.min.session.timeout.ms", "1000", "default.replication.factor", "3",
              "replica.lag.time.max.ms", "10000")));
        }
        for (BrokerProcess b : brokers) {
          b.start();
        }
        for (BrokerProcess b : brokers) {
          b.awaitReady(Duration.ofSeconds(60));
        }
        BrokerRegistrations.awaitEachSeesAll(brokers.stream().map(BrokerProcess::port).toList(), Duration.ofSeconds(30));
        String bootstrap = brokers.stream().map(BrokerProcess::bootstrap).collect(Collectors.joining(","));
        try (Admin admin = admin(bootstrap)) {
          admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get(30, TimeUnit.SECONDS);
          try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap))) {
            for (int i = 0; i < 3_000; i++) {
              producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
          }

          // The member: reads slowly and commits its position every ~50 ms; acknowledged commits recorded.
          Map<TopicPartition, Long> acked = new ConcurrentHashMap<>();
          AtomicInteger ackedCount = new AtomicInteger();
          AtomicInteger failedCount = new AtomicInteger();
          AtomicBoolean stop = new AtomicBoolean();
          AtomicReference<Throwable> crashed = new AtomicReference<>();
          AtomicLong lastAckMs = new AtomicLong();
          Thread member = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap))) {
              c.subscribe(List.of(TOPIC));
              while (!stop.get()) {
                c.poll(Duration.ofMillis(50));
                Map<TopicPartition, OffsetAndMetadata> pos = new HashMap<>();
                for (TopicPartition tp : c.assignment()) {
                  pos.put(tp, new OffsetAndMetadata(c.position(tp)));
                }
                if (pos.isEmpty()) {
                  continue;
                }
                try {
                  c.commitSync(pos, Duration.ofSeconds(5));
                  pos.forEach((tp, o) -> acked.merge(tp, o.offset(), Math::max));
                  ackedCount.incrementAndGet();
                  lastAckMs.set(System.currentTimeMillis());
                } catch (RuntimeException e) {
                  failedCount.incrementAndGet();
                }
              }
            } catch (Throwable t) {
              crashed.set(t);
            }
          }, "committing-member");
          member.start();
          try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (ackedCount.get() < 20 && System.currentTimeMillis() < deadline) {
              Thread.sleep(100);
            }
            assertTrue(ackedCount.get() >= 20, "the member commits before the kill (acked " + ackedCount + ")");
            ConsumerGroupDescription before = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
            int coordinator = before.coordinator().id();
            BrokerProcess victim = brokers.get(coordinator);

            Map<TopicPartition, Long> ackedAtKill = new HashMap<>(acked);
            int ackedCountAtKill = ackedCount.get();
            long killedAt = System.currentTimeMillis();
            victim.kill9();
            // Any commit acknowledged up to now must survive; commits acknowledged in the next instants too.
            Map<TopicPartition, Long> ackedJustAfterKill = new HashMap<>(acked);

            // The survivors: a new coordinator answers with the commits.
            String survivors = brokers.stream().filter(b -> b != victim).map(BrokerProcess::bootstrap)
                .collect(Collectors.joining(","));
            Map<TopicPartition, OffsetAndMetadata> fetched = null;
            ConsumerGroupDescription after = null;
            try (Admin admin2 = admin(survivors)) {
              long until = System.currentTimeMillis() + 60_000;
              while (System.currentTimeMillis() < until) {
                try {
                  after = admin2.describeConsumerGroups(List.of(GROUP)).all().get(5, TimeUnit.SECONDS).get(GROUP);
                  if (after.coordinator().id() != coordinator && after.state() == ConsumerGroupState.STABLE
                      && ackedCount.get() > ackedCountAtKill + 5) {
                    fetched = admin2.listConsumerGroupOffsets(GROUP, new ListConsumerGroupOffsetsOptions())
                        .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
                    break;
                  }
                } catch (Exception e) {
                  // coordinator moving: retry
                }
                Thread.sleep(200);
              }
              if (fetched == null) {
                fail("no new coordinator with a stable, committing group within 60 s of the kill; last: " + after
                    + ", acked since kill " + (ackedCount.get() - ackedCountAtKill) + ", failed " + failedCount);
              }
              long failoverMs = lastAckMs.get() - killedAt;
              for (Map.Entry<TopicPartition, Long> e : ackedJustAfterKill.entrySet()) {
                long committed = fetched.get(e.getKey()).offset();
                assertTrue(committed >= e.getValue(), e.getKey() + ": committed " + committed
                    + " is below the offset " + e.getValue() + " acknowledged before the kill");
              }
              stop.set(true);
              member.join(30_000);
              assertEquals(null, crashed.get(), "the member thread failed");
              Map<TopicPartition, OffsetAndMetadata> end = admin2.listConsumerGroupOffsets(GROUP)
                  .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
              for (Map.Entry<TopicPartition, Long> e : acked.entrySet()) {
                assertTrue(end.get(e.getKey()).offset() >= e.getValue(), e.getKey() + ": committed "
                    + end.get(e.getKey()).offset() + " below acknowledged " + e.getValue());
              }
              System.out.printf("CoordinatorFailoverTest: coordinator broker %d killed after %d acknowledged commits "
                      + "(offsets %s); new coordinator broker %d; %d commits acknowledged in all, %d failed during the "
                      + "failover; committed at the end %s; none below an acknowledged offset%n",
                  coordinator, ackedCountAtKill, ackedAtKill, after.coordinator().id(), ackedCount.get(),
                  failedCount.get(), end.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                      x -> x.getValue().offset())));
              assertTrue(failoverMs >= 0, "commits resumed after the kill");
            }
          } finally {
            stop.set(true);
            member.join(30_000);
          }
        }
      } finally {
        for (BrokerProcess b : brokers) {
          b.kill9();
        }
      }
    }
  }

  static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(p);
  }

  static Properties producerProps(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return p;
  }

  static Properties consumerProps(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    return p;
  }
}
