package io.tributary.connect.hudi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.testkit.ChildProcess;
import io.tributary.testkit.JvmProcessBuilder;
import io.tributary.testkit.Ports;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One Apache Kafka Connect worker in distributed mode ({@code org.apache.kafka.connect.cli.ConnectDistributed} with a
 * properties file) in a child JVM, on the connectors' run-time classpath (connect-runtime and Debezium come with
 * debezium-embedded, our converter with registry-serde), and a small client of its REST API.
 */
final class ConnectWorkerProcess implements AutoCloseable {
  static final String GROUP = "tributary-stock-connect";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Each REST call gives up after this: a worker that is rebalancing answers slowly but within it. */
  private static final Duration REST_TIMEOUT = Duration.ofSeconds(60);

  final int port;
  final ChildProcess process;
  final Path log;

  private ConnectWorkerProcess(int port, ChildProcess process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts a worker of {@value #GROUP} with our AvroConverter for keys and values. */
  static ConnectWorkerProcess start(Path dir, String name, String bootstrap, String registryUrl) throws IOException {
    int port = Ports.freePort();
    Path props = dir.resolve(name + ".properties");
    Files.writeString(props, String.join("\n",
        "bootstrap.servers=" + bootstrap,
        "group.id=" + GROUP,
        "key.converter=io.tributary.registry.connect.AvroConverter",
        "key.converter.schema.registry.url=" + registryUrl,
        "value.converter=io.tributary.registry.connect.AvroConverter",
        "value.converter.schema.registry.url=" + registryUrl,
        "config.storage.topic=connect-configs",
        "offset.storage.topic=connect-offsets",
        "status.storage.topic=connect-status",
        "config.storage.replication.factor=1",
        "offset.storage.replication.factor=1",
        "status.storage.replication.factor=1",
        "offset.storage.partitions=5",
        "status.storage.partitions=1",
        "offset.flush.interval.ms=1000",
        // a dead worker's tasks move after its session expires plus this delay (default 5 min)
        "scheduled.rebalance.max.delay.ms=5000",
        "session.timeout.ms=10000",
        "heartbeat.interval.ms=2000",
        "listeners=http://127.0.0.1:" + port,
        "rest.advertised.host.name=127.0.0.1",
        "rest.advertised.port=" + port,
        // plugins through their META-INF/services only: no reflective scan of the Hudi bundle's classes
        "plugin.discovery=service_load",
        ""));
    Path target = Path.of("target").toAbsolutePath();
    List<String> cp = new ArrayList<>();
    cp.add(target.resolve("classes").toString());
    for (String entry : Files.readString(target.resolve("runtime-classpath.txt")).trim().split(File.pathSeparator)) {
      // a Connect worker needs none of the lake stack
      if (!entry.matches(".*/(hudi|hadoop|parquet|spark|scala|hive|kryo)[^/]*/.*")) {
        cp.add(entry);
      }
    }
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.contains("log4j")) {
        cp.add(entry);
      }
    }
    Path log = dir.resolve(name + ".log");
    ChildProcess p = JvmProcessBuilder.main("org.apache.kafka.connect.cli.ConnectDistributed").name(name)
        .classpath(String.join(File.pathSeparator, cp)).jvmArgs("-Xmx512m")
        .systemProperty("log4j2.configurationFile", target.resolve("test-classes/log4j2-test.xml").toString())
        .args(props.toString()).logFile(log).errorFile(dir.resolve(name + ".err")).start();
    return new ConnectWorkerProcess(port, p, log);
  }

  /** {@code host:port} as the worker names itself in statuses. */
  String workerId() {
    return "127.0.0.1:" + port;
  }

  boolean answers() {
    try {
      return get("/").has("version");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  JsonNode get(String path) throws IOException {
    return call(HttpRequest.newBuilder(uri(path)).GET());
  }

  JsonNode post(String path, JsonNode body) throws IOException {
    return call(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static JsonNode call(HttpRequest.Builder b) throws IOException {
    try {
      HttpResponse<String> r = HTTP.send(b.timeout(REST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
      }
      return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  String logTail() {
    return ChildProcess.tail(log, 60);
  }

  @Override
  public void close() {
    process.close();
  }
}
