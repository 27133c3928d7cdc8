package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.SerdeConfig;
import io.tributary.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 (every topic sink produces transactionally), for the {@code postgres} source: while a client keeps
 * inserting, updating and deleting rows, the source's JVM is killed -9 {@value #KILLS} times and restarted; a
 * {@code read_committed} reader of the table's topic then finds every change made, in the order it was made,
 * once: nothing lost, nothing repeated. Before the changes and their position were committed together, each kill
 * repeated up to a second of changes.
 */
class PostgresExactlyOnceTest {
  static final int KILLS = 3;
  static final int INITIAL_ROWS = 50;
  /** Changes the topic must gain between two kills: the source is streaming when it is killed. */
  static final int CHANGES_BETWEEN_KILLS = 300;
  static final String TOPIC = "eos.public.counters";

  @TempDir static Path dir;
  static Lake lake;
  static PostgresServer pg;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(PostgresServer.installed(), "PostgreSQL 15 is not installed (.ci/run installs it)");
    lake = Lake.start(dir);
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
    if (lake != null) {
      lake.close();
    }
  }

  /** A change as the client made it and as the topic must hold it: op, id and (but for deletes) n. */
  record Change(String op, int id, Integer n) {
    @Override
    public String toString() {
      return op + id + (n == null ? "" : "=" + n);
    }
  }

  /** Makes random changes to {@code counters}, one transaction each, and remembers them in order. */
  static final class Client implements Runnable {
    final List<Change> made = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final List<Integer> live = new ArrayList<>();
    int nextId = INITIAL_ROWS + 1;

    Client() {
      for (int i = 1; i <= INITIAL_ROWS; i++) {
        live.add(i);
      }
    }

    @Override
    public void run() {
      Random random = new Random(14);
      try (Connection c = pg.connect("postgres");
           PreparedStatement insert = c.prepareStatement("INSERT INTO counters VALUES (?, ?)");
           PreparedStatement update = c.prepareStatement("UPDATE counters SET n = ? WHERE id = ?");
           PreparedStatement delete = c.prepareStatement("DELETE FROM counters WHERE id = ?")) {
        for (int i = 0; !stop.get(); i++) {
          int kind = random.nextInt(10);
          if (kind < 3 || live.isEmpty()) {
            int id = nextId++;
            insert.setInt(1, id);
            insert.setInt(2, i);
            insert.executeUpdate();
            live.add(id);
            made.add(new Change("c", id, i));
          } else if (kind < 8) {
            int id = live.get(random.nextInt(live.size()));
            update.setInt(1, i);
            update.setInt(2, id);
            update.executeUpdate();
            made.add(new Change("u", id, i));
          } else {
            int id = live.remove(random.nextInt(live.size()));
            delete.setInt(1, id);
            delete.executeUpdate();
            made.add(new Change("d", id, null));
          }
          Thread.sleep(2); // a steady stream, so that every kill lands while changes flow
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    }
  }

  /** Reads a topic as a {@code read_committed} (or {@code read_uncommitted}) consumer, keeping what it read. */
  static final class Reader implements AutoCloseable {
    final KafkaConsumer<byte[], byte[]> consumer;
    final TopicPartition tp = new TopicPartition(TOPIC, 0);
    final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    Reader(String isolation) {
      Properties p = lake.cluster.consumerProps();
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
      consumer = new KafkaConsumer<>(p);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
    }

    /** Reads up to the end visible to this reader now; the records read so far. */
    List<ConsumerRecord<byte[], byte[]>> readToEnd() {
      if (consumer.partitionsFor(TOPIC).isEmpty()) {
        return records;
      }
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + 30_000;
      while (consumer.position(tp) < end && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
      return records;
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  Path pipeline() throws Exception {
    Path file = dir.resolve("eos-cdc.yaml");
    Files.writeString(file, """
        name: eos-cdc
        source:
          type: postgres
          hostname: 127.0.0.1
          port: %d
          database: postgres
          user: postgres
          tables: [public.counters]
          slot.name: eos_slot
          publication.name: eos_publication
        sink:
          type: topic
          topic.prefix: eos
          bootstrap.servers: %s
        schema:
          registry.url: %s
        """.formatted(pg.port(), lake.bootstrap(), lake.registryUrl()));
    return file;
  }

  @Test
  void everyChangeIsInTheTopicOnceThroughKill9s() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE counters (id int PRIMARY KEY, n int)");
      s.execute("INSERT INTO counters SELECT i, 0 FROM generate_series(1, " + INITIAL_ROWS + ") i");
    }
    Path file = pipeline();
    Path noPause = dir.resolve("no-pause-flag");
    Client client = new Client();
    Thread clientThread = new Thread(client, "postgres-client");
    try (Reader committed = new Reader("read_committed")) {
      ConnectorProcess source = ConnectorProcess.start(file, noPause, dir, "eos-0");
      assertTrue(Lake.await(() -> committed.readToEnd().size() >= INITIAL_ROWS, 300_000),
          "the snapshot did not reach the topic: " + source.stderr());
      clientThread.start();
      for (int kill = 1; kill <= KILLS; kill++) {
        int target = committed.readToEnd().size() + CHANGES_BETWEEN_KILLS;
        ConnectorProcess current = source;
        assertTrue(Lake.await(() -> committed.readToEnd().size() >= target || client.failure.get() != null,
            300_000), "the source did not stream: " + current.stderr());
        source.kill9();
        System.out.printf("FIGURE cdc exactly once: kill -9 number %d after %,d committed records, %,d changes made%n",
            kill, committed.readToEnd().size(), client.made.size());
        source = ConnectorProcess.start(file, noPause, dir, "eos-" + kill);
      }
      int target = committed.readToEnd().size() + CHANGES_BETWEEN_KILLS;
      ConnectorProcess last = source;
      assertTrue(Lake.await(() -> committed.readToEnd().size() >= target, 300_000),
          "the last source did not stream: " + last.stderr());
      client.stop.set(true);
      clientThread.join(30_000);
      assertEquals(null, client.failure.get());
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("INSERT INTO counters VALUES (0, -1)"); // the end marker: once it is in, everything before is
      }
      client.made.add(new Change("c", 0, -1));
      assertTrue(Lake.await(() -> {
        List<Change> sofar = streamed(committed.readToEnd());
        return !sofar.isEmpty() && sofar.get(sofar.size() - 1).id() == 0;
      }, 300_000), "the end marker did not reach the topic: " + last.stderr());
      int code = last.terminate(60_000);
      assertTrue(code == 143 || code == 0, "exit " + code + ": " + last.stderr());

      List<ConsumerRecord<byte[], byte[]>> records = committed.readToEnd();
      List<Change> streamed = streamed(records);
      long snapshotReads = changes(records).stream().filter(ch -> ch.op().equals("r")).count();
      long tombstones = records.stream().filter(r -> r.value() == null).count();
      long deletes = client.made.stream().filter(ch -> ch.op().equals("d")).count();
      try (Reader uncommitted = new Reader("read_uncommitted")) {
        System.out.printf("FIGURE cdc exactly once: %,d changes made, %,d streamed changes read committed "
            + "(%,d snapshot reads, %,d tombstones); %,d records read uncommitted (aborted by the kills included)%n",
            client.made.size(), streamed.size(), snapshotReads, tombstones, uncommitted.readToEnd().size());
      }
      assertEquals(INITIAL_ROWS, snapshotReads, "snapshot reads");
      assertEquals(deletes, tombstones, "a tombstone per delete");
      Map<Change, Integer> repeated = new HashMap<>();
      streamed.forEach(ch -> repeated.merge(ch, 1, Integer::sum));
      repeated.values().removeIf(n -> n == 1);
      assertEquals(Map.of(), repeated, "changes in the topic more than once");
      List<Change> lost = new ArrayList<>(client.made);
      lost.removeAll(streamed);
      assertEquals(List.of(), lost, "changes made that are not in the topic");
      assertEquals(client.made, streamed, "the topic holds every change once, in the order made");
    }
  }

  /** The changes of the non-tombstone records, decoded. */
  static List<Change> changes(List<ConsumerRecord<byte[], byte[]>> records) {
    try (KafkaAvroDeserializer values = new KafkaAvroDeserializer()) {
      values.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, lake.registryUrl()), false);
      List<Change> out = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        if (r.value() != null) {
          GenericRecord v = (GenericRecord) values.deserialize(TOPIC, r.value());
          String op = v.get("__op").toString();
          out.add(new Change(op, (Integer) v.get("id"), op.equals("d") ? null : (Integer) v.get("n")));
        }
      }
      return out;
    }
  }

  /** The streamed changes (c, u, d), without the snapshot's reads. */
  static List<Change> streamed(List<ConsumerRecord<byte[], byte[]>> records) {
    return changes(records).stream().filter(ch -> !ch.op().equals("r")).toList();
  }
}
