package io.tributary.connect.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.connect.worker.ClusterLayout.TaskStatus;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How {@code connect status} prints each state of a pipeline. */
class ClusterStatusTest {

  @Test
  void rendersAnAlignedTableAndTheErrorsBelowIt() {
    long now = 1_700_000_000_000L;
    String commit = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault())
        .format(Instant.ofEpochMilli(now - 3000));
    ClusterStatus s = new ClusterStatus(List.of("w1", "w2"), "w2", List.of(
        new ClusterStatus.Row("orders-to-lake", Optional.of("w1"), "RUNNING", Optional.of("w1"), Optional.of(
            new TaskStatus("w1", "RUNNING", null, 1_234_567, 1_234_000, 12, 0, 567L, now - 3000, now - 60_000, now))),
        new ClusterStatus.Row("files", Optional.of("w2"), "FAILED", Optional.of("w2"), Optional.of(
            new TaskStatus("w2", "FAILED", "broker unreachable", 5, 5, 0, 0, null, null, now - 1000, now))),
        new ClusterStatus.Row("moving", Optional.empty(), "WAITING", Optional.of("w2"), Optional.empty()),
        new ClusterStatus.Row("new", Optional.of("w1"), "STARTING", Optional.of("w1"), Optional.empty())));
    assertEquals("""
        2 workers: w1, w2 (leader)
        PIPELINE        OWNER  STATE         RECORDS IN  RECORDS OUT  DEAD-LETTERED  LAG  LAST COMMIT
        orders-to-lake  w1     RUNNING          1234567      1234000             12  567  %s (3 s ago)
        files           w2     FAILED                 5            5              0    -  -
        moving          -      WAITING (w2)           -            -              -    -  -
        new             w1     STARTING               -            -              -    -  -
        files: FAILED: broker unreachable
        """.formatted(commit), s.render(now));
  }

  @Test
  void theSameAsJsonWithNullWhereTheTableShowsADash() {
    long now = 1_700_000_000_000L;
    ClusterStatus s = new ClusterStatus(List.of("w1", "w2"), "w2", List.of(
        new ClusterStatus.Row("orders-to-lake", Optional.of("w1"), "RUNNING", Optional.of("w1"), Optional.of(
            new TaskStatus("w1", "RUNNING", null, 1_234_567, 1_234_000, 12, 0, 567L, now - 3000, now - 60_000, now))),
        new ClusterStatus.Row("moving", Optional.empty(), "WAITING", Optional.of("w2"), Optional.empty())));
    assertEquals("{\"workers\":[\"w1\",\"w2\"],\"leader\":\"w2\",\"pipelines\":["
        + "{\"pipeline\":\"orders-to-lake\",\"owner\":\"w1\",\"state\":\"RUNNING\",\"assignedTo\":\"w1\","
        + "\"recordsIn\":1234567,\"recordsOut\":1234000,\"deadLettered\":12,\"lag\":567,"
        + "\"lastCommitMillis\":" + (now - 3000) + ",\"error\":null},"
        + "{\"pipeline\":\"moving\",\"owner\":null,\"state\":\"WAITING\",\"assignedTo\":\"w2\","
        + "\"recordsIn\":null,\"recordsOut\":null,\"deadLettered\":null,\"lag\":null,"
        + "\"lastCommitMillis\":null,\"error\":null}]}", s.toJson().toString());
  }

  @Test
  void anEmptyCluster() {
    assertEquals("0 workers\nno pipelines (submit one: tributary connect submit PIPELINE.yaml)\n",
        new ClusterStatus(List.of(), null, List.of()).render(0));
  }
}
