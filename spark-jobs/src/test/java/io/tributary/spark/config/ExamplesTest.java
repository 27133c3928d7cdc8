package io.tributary.spark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every example job file validates (they are in the docs and in the README). */
class ExamplesTest {
  @Test
  void everyExampleValidates() throws Exception {
    for (JobKind job : JobKind.values()) {
      JobConfig c = ConfigLoader.load(job, Path.of("examples", job.jobName() + ".yaml"));
      assertEquals(job, c.job());
    }
    JobConfig ingest = ConfigLoader.load(JobKind.INGEST, Path.of("examples/ingest.yaml"));
    assertEquals(Path.of("..", ".local", "lake", "orders").toAbsolutePath().normalize().toUri().toString()
        .replaceAll("/$", ""), ingest.table().path());
  }
}
