package io.tributary.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What the bench's smoke tests need from bench/run.sh's build: the Kafka peer's jars
 * ({@code bench/target/kafka-broker-lib}) and Tributary's dist ({@code dist/target/classpath.txt}). Without them a
 * smoke test is skipped, saying which is missing and how to build it (a clean clone, as in CI, has neither).
 */
final class SmokePrerequisites {
  private SmokePrerequisites() {}

  /** The repository's root ({@code tributary.home}, else the parent of the bench module). */
  static Path home() {
    return Path.of(System.getProperty("tributary.home", "..")).toAbsolutePath().normalize();
  }

  /** Skips the calling test unless both prerequisites are built; returns the Kafka peer's lib directory. */
  static Path assumeKafkaPeerAndDistBuilt(Path home) {
    Path kafkaLib = home.resolve("bench/target/kafka-broker-lib");
    assumeTrue(hasKafkaJar(kafkaLib), "no Kafka broker in " + kafkaLib + ": run bench/run.sh once, or "
        + "mvn -B -o -q -DskipTests -Dbench.skipKafkaLib=false package -pl bench -am");
    assumeTrue(Files.isRegularFile(home.resolve("dist/target/classpath.txt")), "Tributary's dist is not built in "
        + home + ": run bench/run.sh once, or mvn -B -o -q -DskipTests package -pl dist -am");
    return kafkaLib;
  }

  /** Under target/, not a JUnit temp dir: a peer that fails to start keeps its logs there for inspection. */
  static Path workDir(Path home, String name) throws IOException {
    return Files.createDirectories(home.resolve("bench/target").resolve(name));
  }

  /** The brokers' JVM flags of a bench run. */
  static List<String> brokerJvmOpts() {
    return Arrays.stream(CompareWithKafka.DEFAULT_BROKER_JVM_OPTS.split("\\s+")).toList();
  }

  private static boolean hasKafkaJar(Path lib) {
    try {
      KafkaPeer.versionIn(lib);
      return true;
    } catch (BenchException e) {
      return false;
    }
  }
}
