package io.tributary.spark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/spark-jobs.md lists exactly the keys of {@link ConfigKeys} (regenerate: ConfigDocs docs/spark-jobs.md). */
class ConfigDocsTest {
  @Test
  void theReferenceInTheDocsIsUpToDate() throws Exception {
    Path doc = Path.of("../docs/spark-jobs.md");
    String text = Files.readString(doc);
    assertEquals(ConfigDocs.SECTION.rewrite(text), text, "docs/spark-jobs.md is out of date: run "
        + "java -cp <spark-jobs classes> io.tributary.spark.config.ConfigDocs docs/spark-jobs.md");
  }
}
