package io.tributary.connect.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.connect.PipelineException;
import io.tributary.connect.ValidationError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsAndRelativePaths() throws Exception {
    Files.createDirectories(dir.resolve("pipelines"));
    Files.writeString(dir.resolve("one.yaml"), "");
    WorkerConfig c = WorkerConfig.parse(dir.resolve("w.properties"), """
        # a worker
        worker.id: w-1
        pipelines = pipelines, one.yaml
        """);
    assertEquals("w-1", c.workerId());
    assertEquals("127.0.0.1:2181", c.zookeeperConnect());
    assertEquals("default", c.clusterName());
    assertEquals(List.of(dir.resolve("pipelines"), dir.resolve("one.yaml")), c.pipelines());
    assertEquals(15_000, c.sessionTimeoutMs());
    assertEquals(2000, c.statusIntervalMs());
    assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "tributary-connect-w-1"), c.workDir());
  }

  @Test
  void everyProblemNamesFileLineAndKey() {
    Path f = dir.resolve("bad.properties");
    PipelineException e = assertThrows(PipelineException.class, () -> WorkerConfig.parse(f, """
        worker.id=has space
        zookeeper.conect=127.0.0.1:2181
        cluster.name=ok
        zookeeper.session.timeout.ms=fast
        pipelines=missing.yaml
        status.interval.ms=5
        colour=blue
        """));
    assertEquals(List.of(
        f + ":1: worker.id: 'has space' is not a worker name: 1 to 128 of A-Z a-z 0-9 . _ -",
        f + ":2: zookeeper.conect: unknown key (did you mean 'zookeeper.connect'?)",
        f + ":4: zookeeper.session.timeout.ms: expected a whole number from 1000 to 600000, got 'fast'",
        f + ":5: pipelines: 'missing.yaml' does not exist (" + dir.resolve("missing.yaml") + ")",
        f + ":6: status.interval.ms: expected a whole number from 100 to 600000, got '5'",
        f + ":7: colour: unknown key; known keys: worker.id, zookeeper.connect, cluster.name, pipelines, "
            + "zookeeper.session.timeout.ms, status.interval.ms, work.dir, zookeeper.set.acl, zookeeper.auth.digest"),
        e.errors().stream().map(ValidationError::toString).toList());
  }

  @Test
  void zooKeeperLoginAndAcls() throws Exception {
    Path f = dir.resolve("zk.properties");
    WorkerConfig secure = WorkerConfig.parse(f, "worker.id=w\nzookeeper.set.acl=true\nzookeeper.auth.digest=tributary:s3cret\n");
    assertEquals(new io.tributary.config.ZooKeeperAuth(true, "tributary", "s3cret"), secure.zookeeperAuth());
    assertEquals(io.tributary.config.ZooKeeperAuth.NONE, WorkerConfig.parse(f, "worker.id=w\n").zookeeperAuth());
    PipelineException e = assertThrows(PipelineException.class,
        () -> WorkerConfig.parse(f, "worker.id=w\nzookeeper.set.acl=true\n"));
    assertEquals(List.of(f + ":2: zookeeper.set.acl: zookeeper.set.acl=true needs zookeeper.auth.digest=USER:PASSWORD:"
        + " the znodes would belong to nobody"), e.errors().stream().map(ValidationError::toString).toList());
  }

  @Test
  void anUnreadableFileIsAnError() {
    PipelineException e = assertThrows(PipelineException.class, () -> WorkerConfig.load(dir.resolve("nope")));
    assertEquals(dir.resolve("nope") + ": cannot read the worker config (NoSuchFileException: " + dir.resolve("nope")
        + ")", e.errors().get(0).toString());
  }
}
