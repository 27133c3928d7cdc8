package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.registry.serde.RegistryClient;
import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.ExternalTool;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local start --secure} with real background processes (ZooKeeper, two brokers and the schema registry):
 * Java clients, kcat and kafka-python produce and consume as the admin over SASL_SSL with the written
 * client.properties and ca.pem; a wrong password and a plaintext client are refused; an unauthenticated ZooKeeper
 * client changes nothing and cannot read the SCRAM credentials; the registry answers HTTPS checked against ca.pem,
 * refuses an anonymous write with 401 and takes the admin's.
 */
@Timeout(420)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureLocalClusterTest {
  private static final String TOPIC = "secure-orders";
  /** The brokers' ZooKeeper namespace (no chroot in zookeeper.connect). */
  private static final String ROOT = "/tributary";
  private Path tmp;
  private Path dir;
  private String bootstrap;
  private int zkPort;
  private int registryPort;
  private Cli.Result start;
  private final List<Long> pids = new ArrayList<>();

  @BeforeAll
  void startSecureCluster(@TempDir Path tempDir) throws Exception {
    tmp = tempDir;
    dir = tmp.resolve("cluster");
    StringBuilder attempts = new StringBuilder();
    // Free ports come from the ephemeral range: another process's client socket may take one meanwhile.
    for (int attempt = 0; attempt < 3; attempt++) {
      zkPort = BrokerProcess.freePort();
      int base;
      do {
        base = BrokerProcess.freePort();
      } while (base == zkPort || base + 1 == zkPort || LocalCluster.portBusy(base + 1) != null);
      do {
        registryPort = BrokerProcess.freePort();
      } while (registryPort == zkPort || registryPort == base || registryPort == base + 1);
      start = Cli.run("local", "start", "--secure", "--brokers", "2", "--no-console",
          "--dir", dir.toString(), "--zookeeper-port", Integer.toString(zkPort), "--base-port", Integer.toString(base),
          "--registry-port", Integer.toString(registryPort), "--timeout-s", "120");
      attempts.append(start).append('\n');
      bootstrap = "127.0.0.1:" + base + ",127.0.0.1:" + (base + 1);
      if (start.code() == 0 || !start.err().contains("is in use")) {
        break;
      }
    }
    for (String node : List.of("zookeeper", "broker-0", "broker-1", "registry")) {
      Path pid = dir.resolve(node + ".pid");
      if (Files.exists(pid)) {
        pids.add(Long.parseLong(Files.readString(pid).trim()));
      }
    }
    assertEquals(0, start.code(), attempts.toString());
  }

  @AfterAll
  void stop() {
    Cli.run("local", "stop", "--dir", dir.toString(), "--timeout-s", "10");
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  void writesOwnerOnlyClientPropertiesAndTheCaAndSaysItIsSecure() throws Exception {
    assertTrue(start.out().contains("client properties: " + dir.resolve("client.properties")), start.toString());
    assertTrue(start.out().contains("CA certificate: " + dir.resolve("ca.pem")), start.toString());
    assertTrue(Files.readString(dir.resolve("ca.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
    for (Path secret : List.of(dir.resolve("client.properties"), dir.resolve("security/secrets.properties"),
        dir.resolve("security/broker-0.p12"), dir.resolve("broker-0/server.properties"))) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)), secret.toString());
    }
    Properties client = clientProperties();
    assertEquals("SASL_SSL", client.getProperty("security.protocol"));
    assertEquals("SCRAM-SHA-512", client.getProperty("sasl.mechanism"));
    assertEquals("PEM", client.getProperty("ssl.truststore.type"));
    assertEquals(dir.resolve("ca.pem").toString(), client.getProperty("ssl.truststore.location"));
    assertEquals("USER_INFO", client.getProperty("basic.auth.credentials.source"));
    assertTrue(client.getProperty("basic.auth.user.info").startsWith("admin:"));
    String server = Files.readString(dir.resolve("broker-0/server.properties"));
    assertTrue(server.contains("listeners=SASL_SSL://127.0.0.1:"), server);

    Cli.Result status = Cli.run("local", "status", "--dir", dir.toString());
    assertEquals(0, status.code(), status.toString());
    assertTrue(status.out().contains("security: secure (SASL_SSL"), status.toString());
  }

  @Test
  void theRegistryServesHttpsWithBasicAuthAndTheAdminRegisters() throws Exception {
    String url = "https://127.0.0.1:" + registryPort;
    assertTrue(start.out().contains(url), start.toString());
    Properties client = clientProperties();
    Map<String, Object> trustOnly = Map.of(
        "schema.registry.ssl.truststore.type", client.getProperty("schema.registry.ssl.truststore.type"),
        "schema.registry.ssl.truststore.location", client.getProperty("schema.registry.ssl.truststore.location"));
    String schema = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
    RegistryClient anonymous = new RegistryClient(url, Duration.ofSeconds(30), trustOnly);
    RegistryClient.RegistryClientException refused = assertThrows(RegistryClient.RegistryClientException.class,
        () -> anonymous.register("secure-orders-value", schema));
    assertEquals(401, refused.status(), refused.getMessage());

    Map<String, Object> asAdmin = new HashMap<>();
    client.forEach((k, v) -> asAdmin.put(k.toString(), v));
    RegistryClient admin = new RegistryClient(url, Duration.ofSeconds(30), asAdmin);
    int id = admin.register("secure-orders-value", schema);
    assertEquals(id, admin.latest("secure-orders-value").id());
  }

  @Test
  void javaClientsProduceAndConsumeAsTheAdminAcrossReplicas() throws Exception {
    Properties client = clientProperties();
    client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(client)) {
      // Replicated: the follower fetches over the inter-broker SASL_SSL listener for acks=all to complete.
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 2))).all().get(60, TimeUnit.SECONDS);
    }
    Properties producerProps = clientProperties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i)).get(60, TimeUnit.SECONDS);
      }
    }
    Properties consumerProps = clientProperties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "secure-java");
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (values.size() < 10 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          values.add(r.value());
        }
      }
    }
    assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"), values);
  }

  @Test
  void kcatProducesAndConsumesAsTheAdmin() throws Exception {
    Path kcat = ExternalTool.require("kcat");
    createTopic("secure-kcat");
    List<String> security = List.of("-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=SCRAM-SHA-512",
        "-X", "sasl.username=admin", "-X", "sasl.password=" + adminPassword(),
        "-X", "ssl.ca.location=" + dir.resolve("ca.pem"));
    List<String> produce = new ArrayList<>(List.of(kcat.toString(), "-b", bootstrap, "-P", "-t", "secure-kcat",
        "-X", "topic.request.required.acks=-1"));
    produce.addAll(security);
    ExternalTool.Result produced = ExternalTool.run(produce, "one\ntwo\nthree\n", 90);
    assertEquals(0, produced.exitCode(), produced.stderr());
    List<String> consume = new ArrayList<>(List.of(kcat.toString(), "-b", bootstrap, "-C", "-t", "secure-kcat",
        "-o", "beginning", "-e", "-q"));
    consume.addAll(security);
    ExternalTool.Result consumed = ExternalTool.run(consume, null, 90);
    assertEquals(0, consumed.exitCode(), consumed.stderr());
    assertEquals(List.of("one", "two", "three"), consumed.stdout().lines().toList());

    List<String> wrong = new ArrayList<>(List.of(kcat.toString(), "-b", bootstrap, "-L", "-m", "20",
        "-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=admin",
        "-X", "sasl.password=not-the-password", "-X", "ssl.ca.location=" + dir.resolve("ca.pem")));
    ExternalTool.Result refused = ExternalTool.run(wrong, null, 60);
    assertTrue(refused.exitCode() != 0 && refused.stderr().contains("Authentication failed"), refused.stderr());
  }

  @Test
  void kafkaPythonProducesAndConsumesAsTheAdmin() throws Exception {
    // Debian's python3-kafka lives beside /usr/bin/python3 (a python3 earlier on PATH may lack it).
    Path python = Files.isExecutable(Path.of("/usr/bin/python3")) ? Path.of("/usr/bin/python3")
        : ExternalTool.require("python3");
    String script = String.join("\n",
        "import sys",
        "from kafka import KafkaProducer, KafkaConsumer",
        "common = dict(bootstrap_servers=sys.argv[1].split(','), security_protocol='SASL_SSL',",
        "              sasl_mechanism='SCRAM-SHA-512', sasl_plain_username='admin', sasl_plain_password=sys.argv[2],",
        "              ssl_cafile=sys.argv[3], ssl_check_hostname=True)",
        "p = KafkaProducer(acks='all', retries=10, **common)",
        "for v in [b'alpha', b'beta']:",
        "    p.send('secure-python', v).get(timeout=60)",
        "p.close()",
        "c = KafkaConsumer('secure-python', auto_offset_reset='earliest', consumer_timeout_ms=30000, **common)",
        "got = []",
        "for m in c:",
        "    got.append(m.value.decode())",
        "    if len(got) == 2:",
        "        break",
        "c.close()",
        "print(','.join(got))",
        "");
    createTopic("secure-python"); // kafka-python does not retry a send to an auto-created topic not led yet
    Path file = Files.writeString(tmp.resolve("secure_kafka.py"), script);
    ExternalTool.Result run = ExternalTool.run(List.of(python.toString(), file.toString(), bootstrap, adminPassword(),
        dir.resolve("ca.pem").toString()), null, 150);
    assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
    assertEquals("alpha,beta", run.stdout().trim(), run.stderr());
  }

  @Test
  void aWrongPasswordIsAnAuthenticationErrorAndPlaintextIsRefused() throws Exception {
    Properties wrong = clientProperties();
    wrong.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    wrong.put("sasl.jaas.config", LocalSecurity.jaas("admin", "not-the-password"));
    try (Admin admin = Admin.create(wrong)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> admin.describeCluster().nodes().get(60, TimeUnit.SECONDS));
      assertInstanceOf(SaslAuthenticationException.class, e.getCause());
    }
    Properties plaintext = new Properties();
    plaintext.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    plaintext.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    plaintext.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "6000");
    try (Admin admin = Admin.create(plaintext)) {
      // The SASL_SSL port speaks TLS first: a plaintext Kafka client never gets an answer.
      assertThrows(ExecutionException.class, () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
    }
    Cli.Result plainCli = Cli.run("topic", "list", "--bootstrap", bootstrap, "--request-timeout-ms", "3000");
    assertTrue(plainCli.code() != 0, plainCli.toString());
    Cli.Result secureCli = Cli.run("topic", "list", "--bootstrap", bootstrap,
        "--command-config", dir.resolve("client.properties").toString());
    assertEquals(0, secureCli.code(), secureCli.toString());
  }

  @Test
  void anUnauthenticatedZooKeeperClientChangesNothingAndCannotReadCredentials() throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk = new ZooKeeper("127.0.0.1:" + zkPort, 30_000, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    });
    try {
      assertTrue(connected.await(60, TimeUnit.SECONDS), "connected to ZooKeeper");
      // Public: the brokers' registrations can be read, as with Kafka.
      assertTrue(zk.getChildren(ROOT + "/brokers/ids", false).contains("0"));
      byte[] registration = zk.getData(ROOT + "/brokers/ids/0", false, null);
      assertTrue(new String(registration).contains("SASL_SSL://"));
      assertThrows(KeeperException.NoAuthException.class,
          () -> zk.create("/intruder", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
      assertThrows(KeeperException.NoAuthException.class,
          () -> zk.create(ROOT + "/brokers/ids/99", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL));
      assertThrows(KeeperException.NoAuthException.class,
          () -> zk.create(ROOT + "/config/users/mallory", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
      assertThrows(KeeperException.NoAuthException.class, () -> zk.setData(ROOT + "/brokers/ids/0", registration, -1));
      assertThrows(KeeperException.NoAuthException.class, () -> zk.delete(ROOT + "/brokers/ids/0", -1));
      assertThrows(KeeperException.NoAuthException.class, () -> zk.delete(ROOT + "/controller", -1));
      assertThrows(KeeperException.NoAuthException.class, () -> zk.setACL("/", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1));
      assertThrows(KeeperException.NoAuthException.class, () -> zk.setACL(ROOT, ZooDefs.Ids.OPEN_ACL_UNSAFE, -1));
      assertThrows(KeeperException.NoAuthException.class,
          () -> zk.create(ROOT + "/intruder", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
      assertThrows(KeeperException.NoAuthException.class, () -> zk.setACL(ROOT + "/brokers", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1));
      // Sensitive: SCRAM credentials are not even readable.
      assertThrows(KeeperException.NoAuthException.class, () -> zk.getChildren(ROOT + "/config/users", false));
      assertThrows(KeeperException.NoAuthException.class, () -> zk.getData(ROOT + "/config/users/admin", false, null));
      assertThrows(KeeperException.NoAuthException.class, () -> zk.getData(ROOT + "/kafka-acl", false, null));
    } finally {
      zk.close();
    }
  }

  /** A replicated topic created as the admin, led once Metadata names its leader. */
  private void createTopic(String name) throws Exception {
    Properties client = clientProperties();
    client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(client)) {
      admin.createTopics(List.of(new NewTopic(name, 1, (short) 2))).all().get(60, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        var partition = admin.describeTopics(List.of(name)).allTopicNames().get(60, TimeUnit.SECONDS).get(name)
            .partitions().get(0);
        if (partition.leader() != null && !partition.leader().isEmpty()) {
          return;
        }
        Thread.sleep(100); // polling Metadata with a bound
      }
    }
  }

  private Properties clientProperties() throws Exception {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(dir.resolve("client.properties"))) {
      p.load(r);
    }
    return p;
  }

  private String adminPassword() throws Exception {
    return clientProperties().getProperty("basic.auth.user.info").substring("admin:".length());
  }
}
