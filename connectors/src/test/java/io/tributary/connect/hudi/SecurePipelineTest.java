package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.Pipeline;
import io.tributary.connect.PipelineLoader;
import io.tributary.connect.runtime.PipelineRunner;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.log.security.CertificateAuthority;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, done-when 5: pipelines whose YAML holds the credentials run end to end against a secure stack. A
 * SASL_SSL broker with an authorizer (certificates from a test CA), the registry on HTTPS with basic auth
 * against the cluster's SCRAM users; the pipelines log in as "etl", a SCRAM user allowed only its prefixed
 * topics and group by ACLs and holding the registry's write role. generator -> topic (Avro registered through
 * the registry), then topic -> Hudi; Spark reads the table and every row is checked.
 */
class SecurePipelineTest {
  static final String BROKER_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
      + " username=\"broker\" password=\"broker-secret\" user_broker=\"broker-secret\";";
  static final long EVENTS = 2_000;
  static final long KEYS = 200;

  @TempDir static Path dir;
  static Path caPem;
  static EmbeddedCluster cluster;
  static RegistryServer registry;

  @BeforeAll
  static void start() throws Exception {
    CertificateAuthority ca = CertificateAuthority.newCa("pipeline-test-ca", Duration.ofDays(2));
    caPem = Files.writeString(dir.resolve("ca.pem"), ca.caPem());
    CertificateAuthority.Issued broker = ca.issue("CN=broker");
    Map<String, String> brokers = new LinkedHashMap<>();
    brokers.put("listeners", "SASL_SSL://127.0.0.1:0");
    brokers.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    brokers.put("sasl.jaas.config", BROKER_JAAS);
    brokers.put("ssl.keystore.type", "PEM");
    brokers.put("ssl.keystore.certificate.chain", CertificateAuthority.chainPem(broker));
    brokers.put("ssl.keystore.key", CertificateAuthority.keyPem(broker));
    brokers.put("ssl.truststore.type", "PEM");
    brokers.put("ssl.truststore.location", caPem.toString());
    brokers.put("authorizer.class.name", "kafka.security.authorizer.AclAuthorizer");
    brokers.put("super.users", "User:broker;User:registry");
    brokers.put("offsets.topic.replication.factor", "1");
    brokers.put("offsets.topic.num.partitions", "3");
    cluster = EmbeddedCluster.start(1, dir.resolve("cluster"), brokers);
    try (Admin admin = Admin.create(client("PLAIN", "broker", "broker-secret"))) {
      for (String user : List.of("registry", "etl")) {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), user + "-secret"))).all().get();
      }
      admin.createTopics(List.of(new NewTopic("secure-orders", 2, (short) 1))).all().get();
      admin.createAcls(List.of(
          allow(ResourceType.TOPIC, "secure-", "etl", AclOperation.WRITE),
          allow(ResourceType.TOPIC, "secure-", "etl", AclOperation.READ),
          allow(ResourceType.GROUP, "connect-secure-", "etl", AclOperation.READ))).all().get();
    }
    Map<String, String> r = new HashMap<>();
    r.put(RegistryConfig.LISTENERS, "https://127.0.0.1:0");
    r.put(RegistryConfig.SSL_KEYSTORE_TYPE, "PKCS12");
    r.put(RegistryConfig.SSL_KEYSTORE_LOCATION, CertificateAuthority.keyStore(ca.issue("CN=registry"), "PKCS12",
        dir.resolve("registry.p12"), "store-secret").toString());
    r.put(RegistryConfig.SSL_KEYSTORE_PASSWORD, "store-secret");
    r.put(RegistryConfig.SSL_KEY_PASSWORD, "store-secret");
    r.put(RegistryConfig.AUTHENTICATION_METHOD, "BASIC");
    r.put(RegistryConfig.ROLES_WRITE, "etl");
    r.put(RegistryConfig.ZK_CONNECT, cluster.zookeeperConnect());
    r.put(RegistryConfig.BOOTSTRAP, cluster.bootstrapServers());
    r.put(RegistryConfig.TOPIC_RF, "1");
    client("SCRAM-SHA-512", "registry", "registry-secret").forEach((k, v) -> {
      if (!k.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
        r.put("kafkastore." + k, v.toString());
      }
    });
    registry = new RegistryServer(new RegistryConfig(r)).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static Properties client(String mechanism, String user, String password) {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
    p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
    p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, caPem.toString());
    p.put(SaslConfigs.SASL_MECHANISM, mechanism);
    String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
        : "org.apache.kafka.common.security.scram.ScramLoginModule";
    p.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + user + "\" password=\"" + password + "\";");
    return p;
  }

  static AclBinding allow(ResourceType type, String prefix, String user, AclOperation op) {
    return new AclBinding(new ResourcePattern(type, prefix, PatternType.PREFIXED),
        new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
  }

  /** The security section both pipelines carry: etl's SCRAM login, the CA as PEM (relative path), registry basic auth. */
  static final String SECURITY = """
      security:
        security.protocol: SASL_SSL
        sasl.mechanism: SCRAM-SHA-512
        sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="etl" password="etl-secret";
        ssl.truststore.type: PEM
        ssl.truststore.location: ca.pem
        basic.auth.credentials.source: USER_INFO
        basic.auth.user.info: etl:etl-secret
        schema.registry.ssl.truststore.type: PEM
        schema.registry.ssl.truststore.location: ca.pem
      """;

  @Test
  void generatorToTopicToHudiWithCredentialsInTheYaml() throws Exception {
    Path produce = Files.writeString(dir.resolve("secure-produce.yaml"), """
        name: secure-produce
        source:
          type: generator
          keys: %d
          rate: 0
          records: %d
          seed: 7
        sink:
          type: topic
          topic: secure-orders
          bootstrap.servers: %s
        schema:
          registry.url: %s
        """.formatted(KEYS, EVENTS, cluster.bootstrapServers(), registry.url()) + SECURITY);
    Pipeline generator = PipelineLoader.load(produce);
    assertEquals(caPem.toString(), generator.security().kafka().get("ssl.truststore.location"));
    PipelineRunner.Metrics produced = new PipelineRunner(generator, OptionalLong.empty(), Map.of()).run();
    assertEquals(EVENTS, produced.acknowledged.get(), produced.toString());

    String tablePath = dir.resolve("lake/secure_orders").toUri().toString();
    Path ingest = Files.writeString(dir.resolve("secure-lake.yaml"), """
        name: secure-lake
        source:
          type: topic
          topic: secure-orders
          bootstrap.servers: %s
          start: earliest
        sink:
          type: hudi
          table.path: %s
          table.name: secure_orders
          record.key: key
          precombine.field: seq
          commit.interval.ms: 1000
        schema:
          registry.url: %s
        """.formatted(cluster.bootstrapServers(), tablePath, registry.url()) + SECURITY);
    TopicToHudiTask task = TopicToHudiTask.create(PipelineLoader.load(ingest), Map.of());
    TaskThread running = TaskThread.start(task);
    assertTrue(Lake.await(() -> task.metrics().recordsOut() == EVENTS || running.failure() != null, 300_000),
        task.summary());
    running.stop(120_000);
    assertNull(running.failure(), () -> "the pipeline failed: " + running.failure());

    Map<String, Map<String, Object>> expected = Lake.expected(EVENTS, KEYS);
    List<Row> rows = SparkReader.read(tablePath).select("key", "seq", "region", "status", "amount").collectAsList();
    assertEquals(KEYS, rows.size(), "rows in " + tablePath);
    Map<String, Row> byKey = new HashMap<>();
    for (Row row : rows) {
      assertNull(byKey.put(row.getString(0), row), "key " + row.getString(0) + " twice");
    }
    assertEquals(expected.keySet(), byKey.keySet());
    expected.forEach((key, e) -> {
      Row row = byKey.get(key);
      assertEquals(e.get("seq"), row.getLong(1), key);
      assertEquals(e.get("region"), row.getString(2), key);
      assertEquals(e.get("status"), row.getString(3), key);
      assertEquals((Double) e.get("amount"), row.getDouble(4), 0.0, key);
    });
  }
}
