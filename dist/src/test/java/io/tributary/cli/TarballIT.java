package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.registry.serde.RegistryClient;
import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.JvmProcessBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Done-when 3 of issue 17: the packaged tarball, unpacked into an empty directory, runs with Maven absent from
 * the PATH and an empty HOME (so no ~/.m2). Runs after {@code package} (failsafe).
 *
 * <p>Plain {@code verify} runs the short form: the layout, and {@code bin/tributary consume} decoding Avro records
 * through the registry (one launch: the launcher, lib/ in classpath.txt's order, Kafka's and Avro's jars) against
 * a cluster and registry in this JVM. {@code -Pdist-full} adds the full form: {@code bin/tributary local start}
 * starts ZooKeeper, three brokers and the registry as child JVMs from lib/, a generator pipeline writes Avro
 * records through the registry, and {@code consume} reads them back decoded (several minutes on a busy machine:
 * every launch is a JVM over 200 jars).
 */
@Timeout(value = 1800, unit = TimeUnit.SECONDS)
class TarballIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int RECORDS = 500;
  static final int FULL_FORM_BROKERS = 3;

  @TempDir Path tmp;
  Path home;
  Map<String, String> env;

  boolean clusterStarted;

  @AfterEach
  void stopCluster() throws Exception {
    if (clusterStarted) {
      run(300, "local", "stop");
    }
  }

  /** Unpacks the tarball into an empty directory; the environment has only bash and java on the PATH, an empty HOME. */
  private void unpack() throws Exception {
    String tarball = System.getProperty("tributary.tarball");
    assertTrue(tarball != null && Files.isRegularFile(Path.of(tarball)),
        "the tarball is built by `package` before this test: " + tarball);
    Path unpacked = Files.createDirectories(tmp.resolve("opt"));
    Process tar = new ProcessBuilder("tar", "-xzf", tarball, "-C", unpacked.toString()).inheritIO().start();
    assertEquals(0, tar.waitFor());
    try (Stream<Path> top = Files.list(unpacked)) {
      List<Path> dirs = top.toList();
      assertEquals(1, dirs.size(), "one top directory, tributary-<version>: " + dirs);
      home = dirs.get(0);
    }
    for (String file : List.of("bin/tributary", "conf/jvm.options", "conf/server.properties",
        "conf/registry.properties", "conf/worker.properties", "LICENSE", "NOTICE", "licenses/THIRD-PARTY.txt",
        "lib/classpath.txt", "examples/pipelines/generator-to-topic.yaml")) {
      assertTrue(Files.isRegularFile(home.resolve(file)), file);
    }
    assertTrue(Files.isExecutable(home.resolve("bin/tributary")));
    // Every jar classpath.txt names is in lib/ (the launcher builds its classpath from it).
    for (String entry : Files.readString(home.resolve("lib/classpath.txt")).strip().split(":")) {
      assertTrue(Files.isRegularFile(home.resolve(entry)), entry);
    }

    Path bin = Files.createDirectories(tmp.resolve("path"));
    Files.createSymbolicLink(bin.resolve("bash"), Path.of("/bin/bash"));
    Files.createSymbolicLink(bin.resolve("java"), JvmProcessBuilder.javaBinary());
    Path emptyHome = Files.createDirectories(tmp.resolve("home"));
    env = Map.of("PATH", bin.toString(), "HOME", emptyHome.toString(), "LANG", "C.UTF-8");
    Result noMaven = exec(30, List.of("/bin/bash", "-c", "command -v mvn"));
    assertEquals(1, noMaven.code(), "mvn must not be on the PATH: " + noMaven);
  }

  @Test
  void theLauncherRunsTheCommandLineFromLib() throws Exception {
    unpack();
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, tmp.resolve("cluster"));
        RegistryServer registry = new RegistryServer(new RegistryConfig(Map.of(
            RegistryConfig.LISTENERS, "http://127.0.0.1:0", RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(),
            RegistryConfig.TOPIC_RF, "1"))).start()) {
      cluster.createTopic("payments", 1, 1, Map.of());
      Schema schema = SchemaBuilder.record("Payment").fields().requiredString("id").requiredLong("amount").endRecord();
      try (KafkaProducer<String, Object> producer = new KafkaProducer<>(cluster.producerProps(),
          new StringSerializer(), new KafkaAvroSerializer(new RegistryClient(registry.url())))) {
        for (int i = 0; i < 3; i++) {
          GenericRecord payment = new GenericRecordBuilder(schema).set("id", "p" + i).set("amount", 10L * i).build();
          producer.send(new ProducerRecord<>("payments", "p" + i, payment)).get();
        }
      }
      Result consume = run(300, "consume", "payments", "--from-beginning", "-n", "3", "--format", "json",
          "-b", cluster.bootstrapServers(), "--registry", registry.url());
      assertEquals(0, consume.code(), consume.toString());
      List<String> lines = consume.out().lines().toList();
      assertEquals(3, lines.size(), consume.toString());
      JsonNode last = JSON.readTree(lines.get(2));
      assertEquals("p2", last.get("value").get("id").asText(), last.toString());
      assertEquals(20, last.get("value").get("amount").asLong(), last.toString());
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "tributary.tarball.full", matches = "true")
  void aLocalClusterWithTheRegistryRunsAPipelineFromTheUnpackedTarball() throws Exception {
    unpack();
    int zookeeperPort = BrokerProcess.freePort();
    int basePort = freeRun(FULL_FORM_BROKERS);
    int registryPort = BrokerProcess.freePort();
    Result start = run(600, "local", "start", "--brokers", Integer.toString(FULL_FORM_BROKERS),
        "--zookeeper-port", Integer.toString(zookeeperPort), "--base-port", Integer.toString(basePort),
        "--registry-port", Integer.toString(registryPort), "--timeout-s", "180");
    assertEquals(0, start.code(), start.toString());
    clusterStarted = true;
    String bootstrap = "127.0.0.1:" + basePort;
    String registry = "http://127.0.0.1:" + registryPort;

    // Every process of the cluster runs from the tarball's lib/, none from a Maven repository.
    Path clusterDir = home.resolve(".local/cluster");
    try (Stream<Path> pids = Files.list(clusterDir)) {
      List<Path> pidFiles = pids.filter(p -> p.toString().endsWith(".pid")).toList();
      // The brokers, ZooKeeper, the registry and the console.
      assertEquals(FULL_FORM_BROKERS + 3, pidFiles.size(), pidFiles.toString());
      for (Path pidFile : pidFiles) {
        String cmdline = Files.readString(Path.of("/proc", Files.readString(pidFile).trim(), "cmdline"),
            StandardCharsets.ISO_8859_1);
        assertTrue(cmdline.contains(home.resolve("lib").toString()), pidFile + ": " + cmdline);
        assertFalse(cmdline.contains(".m2"), pidFile + ": " + cmdline);
      }
    }

    Result create = run(300, "topic", "create", "orders", "-p", "3", "-r", Integer.toString(FULL_FORM_BROKERS),
        "-b", bootstrap);
    assertEquals(0, create.code(), create.toString());
    Path pipeline = tmp.resolve("orders-generator.yaml");
    Files.writeString(pipeline, String.join("\n",
        "name: orders-generator",
        "source:",
        "  type: generator",
        "  keys: 100",
        "  rate: 5000",
        "  records: " + RECORDS,
        "  seed: 7",
        "sink:",
        "  type: topic",
        "  topic: orders",
        "  bootstrap.servers: " + bootstrap,
        "schema:",
        "  registry.url: " + registry,
        ""));
    Result connect = run(600, "connect", "run", pipeline.toString());
    assertEquals(0, connect.code(), connect.toString());

    Result consume = run(300, "consume", "orders", "--from-beginning", "-n", Integer.toString(RECORDS),
        "--timeout-ms", "60000", "--format", "json", "-b", bootstrap, "--registry", registry);
    assertEquals(0, consume.code(), consume.toString());
    List<String> lines = consume.out().lines().toList();
    assertEquals(RECORDS, lines.size(), consume.err());
    JsonNode first = JSON.readTree(lines.get(0));
    assertTrue(first.get("value").isObject(), "Avro values decoded through the registry: " + first);

    Result health = run(300, "cluster", "health", "-b", bootstrap);
    assertEquals(0, health.code(), health.toString());
  }

  record Result(int code, String out, String err) {}

  private Result run(int timeoutS, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/tributary").toString()));
    command.addAll(List.of(args));
    return exec(timeoutS, command);
  }

  private Result exec(int timeoutS, List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
        Path.of("/dev/null").toFile()));
    Process p = pb.start();
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(command + " did not finish within " + timeoutS + " s; stderr:\n" + Files.readString(err));
    }
    Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    System.out.println("$ " + String.join(" ", command) + "\n" + r.out() + r.err());
    return r;
  }

  /** A port p with p .. p+count-1 all free on 127.0.0.1 (the brokers of local start listen on consecutive ports). */
  private static int freeRun(int count) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = BrokerProcess.freePort();
      boolean free = base + count - 1 <= 65535;
      for (int i = 1; i < count && free; i++) {
        try (ServerSocket s = new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress())) {
          free = true;
        } catch (IOException busy) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no " + count + " consecutive free ports");
  }
}
