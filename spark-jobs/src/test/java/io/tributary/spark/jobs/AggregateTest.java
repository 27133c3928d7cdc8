package io.tributary.spark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.spark.config.JobConfig;
import io.tributary.spark.config.JobKind;
import io.tributary.spark.lake.CommitLedger;
import io.tributary.spark.testing.Events;
import io.tributary.spark.testing.Lake;
import io.tributary.spark.testing.TestCluster;
import io.tributary.spark.testing.TestSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aggregate} over a stream with known late events, in two runs of the job (the second resumes from
 * the checkpoint): first 60 on-time events one second apart, then 5 on-time and 7 late ones interleaved.
 * Events are in event-time order apart from the late ones, so which events are late does not depend on how
 * Spark cuts the stream into micro-batches: the window counts and the late count are exact.
 */
class AggregateTest {
  static final String TOPIC = "clicks";
  static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  static final long WINDOW_MS = 10_000;
  static final long DELAY_MS = 5_000;

  @TempDir Path dir;

  record Event(long atMs, String region, double amount, boolean late) {}

  @Test
  void windowCountsAndLateEventsAreExact() throws Exception {
    TestCluster c = TestCluster.get();
    SparkSession spark = TestSpark.session();
    c.createTopic(TOPIC, 1); // one partition: event-time order is the topic's order

    List<Event> first = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      first.add(new Event(T0 + i * 1000L, i % 2 == 0 ? "eu" : "us", i, false));
    }
    // after the first run the watermark is 59 s - 5 s = 54 s: anything before it is late
    List<Event> second = List.of(
        new Event(T0 + 54_000, "eu", 100, false), // exactly at the watermark: on time
        new Event(T0 + 3_000, "eu", 1000, true),
        new Event(T0 + 55_000, "us", 100, false),
        new Event(T0 + 12_000, "us", 1000, true),
        new Event(T0 + 12_500, "eu", 1000, true),
        new Event(T0 + 60_000, "eu", 100, false),
        new Event(T0 + 25_000, "eu", 1000, true),
        new Event(T0 + 61_000, "eu", 100, false),
        new Event(T0 + 33_000, "us", 1000, true),
        new Event(T0 + 41_000, "us", 1000, true),
        new Event(T0 + 75_000, "us", 100, false),
        new Event(T0 + 53_999, "eu", 1000, true));

    JobConfig config = Lake.config(JobKind.AGGREGATE, dir.resolve("aggregate.yaml"), """
        name: clicks-per-window
        source:
          topic: %s
          bootstrap.servers: %s
          max.offsets.per.trigger: 100
        schema:
          registry.url: %s
        table:
          path: lake/windows
          options:
            hoodie.metadata.enable: false
            hoodie.embed.timeline.server: false
        stream:
          trigger: available-now
        window:
          event.time.field: updatedAt
          duration: 10s
          watermark.delay: 5s
          group.by: [region]
          sum: [amount]
        """.formatted(TOPIC, c.bootstrap(), c.registryUrl()));

    produce(c, first, 0);
    JobTotals run1 = Jobs.run(spark, config);
    produce(c, second, first.size());
    JobTotals run2 = Jobs.run(spark, config);

    Map<String, long[]> expected = new TreeMap<>(); // window start|region -> events, sum
    List<Event> all = new ArrayList<>(first);
    all.addAll(second);
    for (Event e : all) {
      if (!e.late()) {
        long start = Math.floorDiv(e.atMs() - T0, WINDOW_MS) * WINDOW_MS + T0;
        long[] v = expected.computeIfAbsent(Instant.ofEpochMilli(start) + "|" + e.region(), k -> new long[2]);
        v[0]++;
        v[1] += (long) e.amount();
      }
    }
    Map<String, long[]> actual = new TreeMap<>();
    for (Row r : Lake.read(spark, dir.resolve("lake/windows"))
        .selectExpr("window_start", "window_end", "region", "events", "sum_amount").collectAsList()) {
      Instant start = r.getTimestamp(0).toInstant();
      assertEquals(start.plusMillis(WINDOW_MS), r.getTimestamp(1).toInstant(), "window end");
      long[] previous = actual.put(start + "|" + r.getString(2), new long[] {r.getLong(3), (long) r.getDouble(4)});
      assertEquals(null, previous, "one row per window and region");
    }
    assertEquals(render(expected), render(actual));

    long late = second.stream().filter(Event::late).count();
    Map<String, Long> reasons = Lake.reasons(spark, dir.resolve("lake/windows_quarantine"));
    assertEquals(Map.of("LATE_EVENT", late), reasons, "late events are quarantined, nothing else");
    assertEquals(0, run1.quarantinedTotal(), "no late event in the first run");
    assertEquals(Map.of("LATE_EVENT", late), run2.quarantined(), "the job's own late count");
    assertEquals(second.size() - late, run2.written(), "on-time events counted by the second run");
    assertTrue(Lake.read(spark, dir.resolve("lake/windows_quarantine")).filter(
        "detail like '%before the watermark 2024-01-01T00:00:54Z'").count() == late, "detail names the watermark");
    String watermark = CommitLedger.latestWith(spark.sparkContext().hadoopConfiguration(),
        dir.resolve("lake/windows").toUri().toString(), CommitLedger.WATERMARK_MS).orElseThrow()
        .get(CommitLedger.WATERMARK_MS);
    assertEquals(T0 + 75_000 - DELAY_MS, Long.parseLong(watermark), "watermark: largest event time - delay");
    System.out.printf("FIGURE aggregate: %d windows, %d events counted, %d late (quarantined as LATE_EVENT), "
        + "batches %d + %d%n", actual.size(), run1.written() + run2.written(), late, run1.batches(), run2.batches());
  }

  static void produce(TestCluster c, List<Event> events, int firstSeq) throws Exception {
    try (KafkaProducer<byte[], Object> p = Events.avroProducer(c)) {
      int seq = firstSeq;
      for (Event e : events) {
        p.send(Events.record(TOPIC, 0, Events.event("click-" + seq, seq++, e.atMs(), e.region(), e.amount()))).get();
      }
    }
  }

  static String render(Map<String, long[]> m) {
    StringBuilder sb = new StringBuilder();
    m.forEach((k, v) -> sb.append(k).append(" events=").append(v[0]).append(" sum=").append(v[1]).append('\n'));
    return sb.toString();
  }
}
