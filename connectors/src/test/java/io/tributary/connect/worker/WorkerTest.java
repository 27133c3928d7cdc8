package io.tributary.connect.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.Pipeline;
import io.tributary.connect.runtime.PipelineMetrics;
import io.tributary.connect.runtime.PipelineTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers in this JVM against a real ZooKeeper, running test tasks that record when they run: assignment,
 * handover, no two owners at once, resubmission, removal, fencing on a lost ZooKeeper, status.
 */
class WorkerTest {
  @TempDir Path dir;
  TestingServer zk;
  final List<Worker> workers = new ArrayList<>();
  /** Pipeline -> workers running it right now (must never hold two). */
  static final Map<String, Set<String>> RUNNING = new ConcurrentHashMap<>();
  static final AtomicInteger OVERLAPS = new AtomicInteger();
  /** Lets stubborn tasks return at last (so that the test can end). */
  static volatile boolean releaseStubborn;

  @BeforeEach
  void start() throws Exception {
    zk = TestZooKeeper.start(dir.resolve("zk").toFile());
    RUNNING.clear();
    OVERLAPS.set(0);
    releaseStubborn = false;
  }

  @AfterEach
  void stop() throws Exception {
    for (Worker w : workers) {
      w.close();
    }
    zk.close();
  }

  /** A task that runs until stopped (or ignores stop when {@code stubborn}), counting "records". */
  static final class TestTask implements PipelineTask {
    final String worker;
    final String name;
    final boolean stubborn;
    final CountDownLatch stopped = new CountDownLatch(1);
    final AtomicLong records = new AtomicLong();

    TestTask(String worker, String name, boolean stubborn) {
      this.worker = worker;
      this.name = name;
      this.stubborn = stubborn;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void run() throws Exception {
      Set<String> owners = RUNNING.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet());
      owners.add(worker);
      if (owners.size() > 1) {
        OVERLAPS.incrementAndGet();
      }
      try {
        while (stopped.getCount() > 0 || (stubborn && !releaseStubborn)) {
          records.incrementAndGet();
          Thread.sleep(10);
        }
      } finally {
        owners.remove(worker);
      }
    }

    @Override
    public void stop() {
      stopped.countDown();
    }

    @Override
    public PipelineMetrics metrics() {
      return new PipelineMetrics(records.get(), records.get(), 0, 0, OptionalLong.of(0),
          OptionalLong.of(System.currentTimeMillis()));
    }
  }

  Worker worker(String id, AtomicInteger halts, Set<String> stubborn) throws Exception {
    WorkerConfig c = WorkerConfig.parse(dir.resolve(id + ".properties"), """
        worker.id=%s
        zookeeper.connect=%s
        zookeeper.session.timeout.ms=3000
        status.interval.ms=200
        work.dir=%s
        """.formatted(id, zk.getConnectString(), dir.resolve("work-" + id)));
    Worker w = new Worker(c, (Pipeline p) -> new TestTask(id, p.name(), stubborn.contains(p.name())),
        halts::incrementAndGet).start();
    workers.add(w);
    return w;
  }

  Path pipelineFile(String name) throws Exception {
    Path f = dir.resolve(name + ".yaml");
    Files.writeString(f, """
        name: %s
        source:
          type: generator
        sink:
          type: topic
          topic: %s
        """.formatted(name, name));
    return f;
  }

  CuratorFramework client() throws Exception {
    return ClusterLayout.connect(zk.getConnectString(), "default", 5000, 10_000);
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not reached within 30 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  static Set<String> runners(String pipeline) {
    return Set.copyOf(RUNNING.getOrDefault(pipeline, Set.of()));
  }

  @Test
  void twoWorkersShareTwoPipelinesAndTheSurvivorTakesOverOnAStop() throws Exception {
    Worker w1 = worker("w1", new AtomicInteger(), Set.of());
    Worker w2 = worker("w2", new AtomicInteger(), Set.of());
    try (CuratorFramework c = client()) {
      PipelineStore.submit(c, pipelineFile("p1"));
      PipelineStore.submit(c, pipelineFile("p2"));
      await("p1 on w1, p2 on w2", () -> runners("p1").equals(Set.of("w1")) && runners("p2").equals(Set.of("w2")));
      await("status shows both running", () -> {
        try {
          ClusterStatus s = ClusterStatus.read(c);
          return s.pipelines().stream().allMatch(r -> r.state().equals("RUNNING"));
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      ClusterStatus s = ClusterStatus.read(c);
      assertEquals(List.of("w1", "w2"), s.workers());
      assertEquals(Optional.of("w1"), s.pipelines().get(0).owner());
      assertEquals(Optional.of("w2"), s.pipelines().get(1).owner());
      String table = s.render(System.currentTimeMillis());
      assertTrue(table.startsWith("2 workers: w1"), table);
      assertTrue(table.contains("PIPELINE  OWNER  STATE    RECORDS IN  RECORDS OUT  DEAD-LETTERED  LAG  LAST COMMIT"),
          table);

      w1.close();
      workers.remove(w1);
      await("both on w2", () -> runners("p1").equals(Set.of("w2")) && runners("p2").equals(Set.of("w2")));
      await("status: w2 owns both", () -> {
        try {
          return ClusterStatus.read(c).pipelines().stream()
              .allMatch(r -> r.owner().equals(Optional.of("w2")) && r.state().equals("RUNNING"));
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      assertEquals(List.of("w2"), ClusterStatus.read(c).workers());
    }
    assertEquals(0, OVERLAPS.get(), "a pipeline ran on two workers at once");
  }

  @Test
  void aJoiningWorkerTakesItsShareAfterTheOldOwnerLetsGo() throws Exception {
    worker("w1", new AtomicInteger(), Set.of());
    try (CuratorFramework c = client()) {
      for (String p : List.of("a", "b", "c", "d")) {
        PipelineStore.submit(c, pipelineFile(p));
      }
      await("all four on w1", () -> List.of("a", "b", "c", "d").stream().allMatch(p -> runners(p).equals(Set.of("w1"))));
      worker("w2", new AtomicInteger(), Set.of());
      await("c and d moved to w2", () -> runners("a").equals(Set.of("w1")) && runners("b").equals(Set.of("w1"))
          && runners("c").equals(Set.of("w2")) && runners("d").equals(Set.of("w2")));
    }
    assertEquals(0, OVERLAPS.get());
  }

  @Test
  void resubmittedPipelinesRestartAndRemovedOnesStop() throws Exception {
    worker("w1", new AtomicInteger(), Set.of());
    try (CuratorFramework c = client()) {
      Path f = pipelineFile("p");
      assertEquals(PipelineStore.Outcome.CREATED, PipelineStore.submit(c, f));
      await("p runs", () -> runners("p").equals(Set.of("w1")));
      assertEquals(PipelineStore.Outcome.UNCHANGED, PipelineStore.submit(c, f));
      Files.writeString(f, Files.readString(f) + "errors:\n  tolerance: none\n");
      await("status published", () -> started(c, "p") > 0);
      long firstStart = started(c, "p");
      assertEquals(PipelineStore.Outcome.UPDATED, PipelineStore.submit(c, f));
      await("a new task", () -> started(c, "p") > firstStart && runners("p").equals(Set.of("w1")));
      assertTrue(PipelineStore.remove(c, "p"));
      await("p stopped", () -> runners("p").isEmpty());
      assertFalse(PipelineStore.remove(c, "p"));
      await("owner released", () -> {
        try {
          return c.checkExists().forPath(ClusterLayout.owner("p")) == null;
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
    }
  }

  /** When the task whose status is published started; 0 if none. */
  private static long started(CuratorFramework c, String p) {
    try {
      return ClusterStatus.read(c).pipelines().stream().filter(r -> r.pipeline().equals(p)).findFirst()
          .flatMap(ClusterStatus.Row::status).map(ClusterLayout.TaskStatus::startedMillis).orElse(0L);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  void losingZooKeeperStopsEveryTaskAndHaltsWhenOneWillNotStop() throws Exception {
    AtomicInteger halts = new AtomicInteger();
    worker("w1", halts, Set.of("stubborn"));
    try (CuratorFramework c = client()) {
      PipelineStore.submit(c, pipelineFile("polite"));
      PipelineStore.submit(c, pipelineFile("stubborn"));
    }
    await("both run", () -> runners("polite").equals(Set.of("w1")) && runners("stubborn").equals(Set.of("w1")));
    zk.stop();
    await("the polite task stopped", () -> runners("polite").isEmpty());
    await("the process would have been halted for the stubborn one", () -> halts.get() == 1);
    assertEquals(Set.of("w1"), runners("stubborn"));
    releaseStubborn = true;
    zk.restart();
  }
}
