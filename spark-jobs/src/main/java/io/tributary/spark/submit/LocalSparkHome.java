package io.tributary.spark.submit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A SPARK_HOME made of the Spark jars already on this machine (links into the local Maven repository), so
 * that a standalone worker can launch executors without a Spark download: a worker builds each executor's
 * classpath from {@code $SPARK_HOME/jars/*}.
 */
public final class LocalSparkHome {
  private LocalSparkHome() {}

  /** Fills {@code dir/jars} with links to {@code jars} (replacing what was there); returns {@code dir}. */
  public static Path prepare(Path dir, List<Path> jars) throws IOException {
    Path lib = dir.resolve("jars");
    Files.createDirectories(lib);
    try (Stream<Path> old = Files.list(lib)) {
      for (Path p : old.toList()) {
        Files.delete(p);
      }
    }
    for (Path jar : jars) {
      Path link = lib.resolve(jar.getFileName());
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, jar.toAbsolutePath());
      }
    }
    // Spark's launcher asks for the Scala version of a home without a RELEASE file: tell it (SPARK_SCALA_VERSION too)
    Files.createDirectories(dir.resolve("launcher/target/scala-2.12"));
    return dir;
  }

  /** Environment a worker (or anything that launches executors) needs with this home. */
  public static Map<String, String> environment(Path dir) {
    return Map.of("SPARK_HOME", dir.toAbsolutePath().toString(), "SPARK_SCALA_VERSION", "2.12");
  }
}
