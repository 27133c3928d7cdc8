package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.broker.Broker;
import io.tributary.log.broker.BrokerConfig;
import io.tributary.log.embedded.EmbeddedZooKeeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Done-when 5: {@code tributary group list/describe} against a real broker; lag = log end − committed. */
@Timeout(120)
class GroupCommandTest {

  @Test
  void describeShowsMembersCommittedOffsetsLogEndAndLag(@TempDir Path tmp) throws Exception {
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start("127.0.0.1", 0, tmp.resolve("zk"))) {
      Broker broker = new Broker(BrokerConfig.of(Map.of(
          "broker.id", "0", "listeners", "PLAINTEXT://127.0.0.1:0", "log.dirs", tmp.resolve("broker-0").toString(),
          "zookeeper.connect", zk.connectString(), "offsets.topic.replication.factor", "1",
          "offsets.topic.num.partitions", "3", "group.initial.rebalance.delay.ms", "0")));
      try {
        broker.start();
        String bootstrap = "127.0.0.1:" + broker.boundPort();
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
          admin.createTopics(List.of(new NewTopic("lag", 2, (short) 1))).all().get();
        }
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp)) {
          for (int i = 0; i < 100; i++) {
            p.send(new ProducerRecord<>("lag", i % 2, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
          }
          p.flush();
        }

        assertTrue(Cli.run("group", "list", "-b", bootstrap).out().contains("no consumer groups"));

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "reporting");
        cp.put(ConsumerConfig.CLIENT_ID_CONFIG, "lag-reader");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp)) {
          c.subscribe(List.of("lag"));
          long deadline = System.currentTimeMillis() + 30_000;
          while (c.assignment().size() < 2 && System.currentTimeMillis() < deadline) {
            c.poll(Duration.ofMillis(100));
          }
          assertEquals(2, c.assignment().size());
          c.commitSync(Map.of(new TopicPartition("lag", 0), new OffsetAndMetadata(10),
              new TopicPartition("lag", 1), new OffsetAndMetadata(25)));

          Cli.Result list = Cli.run("group", "list", "-b", bootstrap);
          assertEquals(0, list.code(), list.toString());
          assertTrue(list.out().lines().anyMatch(l -> l.matches("reporting\\s+Stable")), list.toString());

          Cli.Result d = Cli.run("group", "describe", "reporting", "-b", bootstrap);
          System.out.println("GroupCommandTest: describe with an active member:\n" + d.out());
          assertEquals(0, d.code(), d.toString());
          assertTrue(d.out().contains("STATE        Stable"), d.toString());
          assertTrue(d.out().contains("ASSIGNOR     range"), d.toString());
          assertTrue(d.out().contains("MEMBERS      1"), d.toString());
          assertTrue(d.out().lines().anyMatch(l -> l.matches("lag-reader-\\S+\\s+-\\s+lag-reader\\s+\\S+\\s+lag\\[0,1\\]")),
              d.toString());
          // log end 50 per partition: lag = 50 - 10 and 50 - 25
          assertTrue(d.out().lines().anyMatch(l -> l.matches("lag\\s+0\\s+10\\s+50\\s+40\\s+lag-reader-\\S+")), d.toString());
          assertTrue(d.out().lines().anyMatch(l -> l.matches("lag\\s+1\\s+25\\s+50\\s+25\\s+lag-reader-\\S+")), d.toString());
        }

        // The member left: the group is Empty and keeps its offsets; lag follows new records.
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp)) {
          for (int i = 0; i < 6; i++) {
            p.send(new ProducerRecord<>("lag", 0, null, ("w" + i).getBytes(StandardCharsets.UTF_8)));
          }
          p.flush();
        }
        Cli.Result d = Cli.run("group", "describe", "reporting", "-b", bootstrap);
        System.out.println("GroupCommandTest: describe after the member left:\n" + d.out());
        assertEquals(0, d.code(), d.toString());
        assertTrue(d.out().contains("STATE        Empty"), d.toString());
        assertTrue(d.out().lines().anyMatch(l -> l.matches("lag\\s+0\\s+10\\s+56\\s+46\\s+-")), d.toString());
        assertTrue(d.out().lines().anyMatch(l -> l.matches("lag\\s+1\\s+25\\s+50\\s+25\\s+-")), d.toString());

        Cli.Result missing = Cli.run("group", "describe", "nope", "-b", bootstrap);
        assertNotEquals(0, missing.code(), missing.toString());
        assertTrue(missing.err().contains("group nope does not exist"), missing.toString());
      } finally {
        broker.close();
      }
    }
  }
}
