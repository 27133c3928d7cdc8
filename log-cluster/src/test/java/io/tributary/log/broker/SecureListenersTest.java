package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.log.security.CertificateAuthority;
import io.tributary.testkit.ExternalTool;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two brokers with four listeners (PLAINTEXT; SSL with PKCS12 and required client certificates; SASL_SSL with a
 * PEM key store, used between the brokers; SASL_PLAINTEXT), certificates from a test CA: the Java clients
 * produce and consume over each secured listener, replication runs over SASL_SSL, and what must be refused is.
 */
class SecureListenersTest {
  static final String BROKER_PASSWORD = "broker-secret";
  static final String ALICE_PASSWORD = "alice-secret";
  static final String PLAIN_USERS = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" password=\""
      + BROKER_PASSWORD + "\" user_broker=\"" + BROKER_PASSWORD + "\" user_alice=\"" + ALICE_PASSWORD + "\";";

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static final String PASSWORD = "test-store-password";
  static CertificateAuthority ca;
  static Path clientKeyStore;
  static Path trustStore;

  @BeforeAll
  static void start() throws Exception {
    ca = CertificateAuthority.newCa("tributary-test-ca", Duration.ofDays(2));
    CertificateAuthority.Issued node = ca.issue("CN=broker");
    clientKeyStore = CertificateAuthority.keyStore(ca.issue("CN=ssl-client,O=tributary"), "JKS", dir.resolve("client.jks"), PASSWORD);
    trustStore = ca.trustStore("PKCS12", dir.resolve("truststore.p12"), PASSWORD);
    Map<String, String> overrides = Map.ofEntries(
        Map.entry("listeners", "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0"),
        Map.entry("inter.broker.listener.name", "SASL_SSL"),
        Map.entry("sasl.mechanism.inter.broker.protocol", "PLAIN"),
        Map.entry("sasl.jaas.config", PLAIN_USERS),
        Map.entry("ssl.truststore.type", "PKCS12"),
        Map.entry("ssl.truststore.location", trustStore.toString()),
        Map.entry("ssl.truststore.password", PASSWORD),
        Map.entry("listener.name.ssl.ssl.keystore.type", "PKCS12"),
        Map.entry("listener.name.ssl.ssl.keystore.location",
            CertificateAuthority.keyStore(node, "PKCS12", dir.resolve("broker.p12"), PASSWORD).toString()),
        Map.entry("listener.name.ssl.ssl.keystore.password", PASSWORD),
        Map.entry("listener.name.ssl.ssl.client.auth", "required"),
        Map.entry("listener.name.sasl_ssl.ssl.keystore.type", "PEM"),
        Map.entry("listener.name.sasl_ssl.ssl.keystore.certificate.chain", CertificateAuthority.chainPem(node)),
        Map.entry("listener.name.sasl_ssl.ssl.keystore.key", CertificateAuthority.keyPem(node)),
        Map.entry("min.insync.replicas", "2"));
    cluster = EmbeddedCluster.start(2, dir, overrides);
    cluster.awaitBrokersSeeEachOther();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static String bootstrap(String listener) {
    List<String> addresses = new ArrayList<>();
    for (int id = 0; id < cluster.size(); id++) {
      addresses.add("127.0.0.1:" + cluster.broker(id).boundPort(listener));
    }
    return String.join(",", addresses);
  }

  /** Client properties for the SSL listener, with a client certificate (JKS) and a PKCS12 trust store. */
  static Properties ssl() {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap("SSL"));
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
    p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
    p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, trustStore.toString());
    p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD);
    p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "JKS");
    p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, clientKeyStore.toString());
    p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, PASSWORD);
    return p;
  }

  /** Client properties for SASL_SSL with {@code mechanism}, trusting the CA as PEM text. */
  static Properties saslSsl(String mechanism, String user, String password) throws Exception {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap("SASL_SSL"));
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
    p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
    p.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, ca.caPem());
    p.put(SaslConfigs.SASL_MECHANISM, mechanism);
    String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
        : "org.apache.kafka.common.security.scram.ScramLoginModule";
    p.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + user + "\" password=\"" + password + "\";");
    return p;
  }

  /** Produces {@code count} records with acks=all to a new topic of RF 2 (min.insync 2) and reads them back. */
  static void roundTrip(Properties client, String topic, int count) throws Exception {
    cluster.createTopic(topic, 2, 2, Map.of());
    Properties producerProps = cluster.producerProps();
    producerProps.putAll(client);
    producerProps.put("delivery.timeout.ms", "60000");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, i % 2, null, ("v" + i).getBytes())).get();
      }
    }
    Properties consumerProps = cluster.consumerProps();
    consumerProps.putAll(client);
    List<String> read = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
      consumer.assign(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
      long deadline = System.currentTimeMillis() + 60_000;
      while (read.size() < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          read.add(new String(r.value()));
        }
      }
    }
    assertEquals(count, read.size(), "records read back from " + topic);
  }

  @Test
  void transactionMarkersReachTheOtherBrokerOverTheInterBrokerListener() throws Exception {
    // Two partitions led by different brokers: the coordinator writes one marker itself and sends the other with
    // WriteTxnMarkers to the other broker, over the inter-broker listener (SASL_SSL here).
    String topic = "txn-over-sasl-ssl";
    cluster.createTopic(topic, 2, 2, Map.of());
    Properties client = saslSsl("PLAIN", "alice", ALICE_PASSWORD);
    Properties producerProps = cluster.producerProps();
    producerProps.putAll(client);
    producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "secure-txn");
    producerProps.put("delivery.timeout.ms", "60000");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topic, i % 2, null, ("t" + i).getBytes()));
      }
      producer.commitTransaction();
    }
    Properties consumerProps = cluster.consumerProps();
    consumerProps.putAll(client);
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> read = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
      consumer.assign(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
      long deadline = System.currentTimeMillis() + 60_000;
      while (read.size() < 10 && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          read.add(new String(r.value()));
        }
      }
    }
    assertEquals(10, read.size(), "committed records read with read_committed from both partitions: " + read);
  }

  @Test
  void sslWithClientCertificateRoundTripsAndReplicatesOverSaslSsl() throws Exception {
    // RF 2 with min.insync.replicas=2: every acks=all produce waits for the follower's fetch over SASL_SSL.
    roundTrip(ssl(), "over-ssl", 200);
  }

  @Test
  void saslSslPlainRoundTrips() throws Exception {
    roundTrip(saslSsl("PLAIN", "alice", ALICE_PASSWORD), "over-sasl-ssl-plain", 200);
  }

  @Test
  void scramUserCreatedWithKip554LogsInWithScramSha512() throws Exception {
    Properties admin = saslSsl("PLAIN", "alice", ALICE_PASSWORD);
    try (Admin a = Admin.create(admin)) {
      a.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("carol",
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), "carol-secret"))).all().get();
      UserScramCredentialsDescription carol = a.describeUserScramCredentials(List.of("carol")).description("carol").get();
      assertEquals(List.of(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192)), carol.credentialInfos());
    }
    // Each broker learns of the new user from its watch on ZooKeeper: wait (bounded) until carol can log in.
    awaitLogin(saslSsl("SCRAM-SHA-512", "carol", "carol-secret"));
    roundTrip(saslSsl("SCRAM-SHA-512", "carol", "carol-secret"), "over-sasl-ssl-scram", 100);
    ExecutionException wrong = assertThrows(ExecutionException.class, () -> describeCluster(saslSsl("SCRAM-SHA-512", "carol", "not-her-password")));
    assertInstanceOf(SaslAuthenticationException.class, wrong.getCause());
  }

  @Test
  void kcatProducesAndConsumesOverSaslSsl() throws Exception {
    Path kcat = ExternalTool.require("kcat");
    Path caFile = Files.writeString(dir.resolve("ca.pem"), ca.caPem());
    cluster.createTopic("kcat-sasl-ssl", 1, 2, Map.of());
    List<String> security = List.of("-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=PLAIN", "-X", "sasl.username=alice",
        "-X", "sasl.password=" + ALICE_PASSWORD, "-X", "ssl.ca.location=" + caFile);
    List<String> produce = new ArrayList<>(List.of(kcat.toString(), "-b", bootstrap("SASL_SSL"), "-P", "-t", "kcat-sasl-ssl",
        "-X", "topic.request.required.acks=-1"));
    produce.addAll(security);
    ExternalTool.Result produced = ExternalTool.run(produce, "one\ntwo\nthree\n", 60);
    assertEquals(0, produced.exitCode(), produced.stderr());
    List<String> consume = new ArrayList<>(List.of(kcat.toString(), "-b", bootstrap("SASL_SSL"), "-C", "-t", "kcat-sasl-ssl",
        "-o", "beginning", "-e", "-q"));
    consume.addAll(security);
    ExternalTool.Result consumed = ExternalTool.run(consume, null, 60);
    assertEquals(0, consumed.exitCode(), consumed.stderr());
    assertEquals(List.of("one", "two", "three"), consumed.stdout().lines().toList());

    List<String> wrong = new ArrayList<>(List.of(kcat.toString(), "-b", bootstrap("SASL_SSL"), "-L", "-m", "10"));
    wrong.addAll(List.of("-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=PLAIN", "-X", "sasl.username=alice",
        "-X", "sasl.password=wrong", "-X", "ssl.ca.location=" + caFile));
    ExternalTool.Result refused = ExternalTool.run(wrong, null, 60);
    assertTrue(refused.exitCode() != 0 && refused.stderr().contains("Authentication failed"), refused.stderr());
  }

  @Test
  void wrongPlainPasswordIsAnAuthenticationError() throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> describeCluster(saslSsl("PLAIN", "alice", "wrong")));
    assertInstanceOf(SaslAuthenticationException.class, e.getCause());
  }

  @Test
  void metadataAnswersWithTheListenerTheClientConnectedTo() throws Exception {
    for (String listener : List.of("SSL", "PLAINTEXT")) {
      Properties p = listener.equals("SSL") ? ssl() : new Properties();
      p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(listener));
      List<Integer> ports = describeCluster(p).stream().map(Node::port).sorted().toList();
      List<Integer> expected = List.of(cluster.broker(0).boundPort(listener), cluster.broker(1).boundPort(listener))
          .stream().sorted().toList();
      assertEquals(expected, ports, "brokers as seen from listener " + listener);
    }
  }

  @Test
  void plaintextClientOnTheSslPortGetsNoKafkaAnswer() throws Exception {
    try (RawConnection raw = RawConnection.open(cluster.broker(0).boundPort("SSL"))) {
      raw.sendFrame(RawConnection.request(ApiKeys.API_VERSIONS, 0, new ApiVersionsRequestData(), 1));
      byte[] answer = readUntilClosed(raw.socket.getInputStream());
      // At most a TLS alert record (content type 21), never a Kafka response.
      assertTrue(answer.length == 0 || answer[0] == 21, () -> "answered " + answer.length + " bytes starting with " + answer[0]);
    }
  }

  @Test
  void requestBeforeSaslAuthenticationClosesTheConnection() throws Exception {
    try (RawConnection raw = RawConnection.open(cluster.broker(0).boundPort("SASL_PLAINTEXT"))) {
      assertEquals(0, raw.apiVersions(1), "ApiVersions is served before authentication");
      raw.sendFrame(RawConnection.request(ApiKeys.METADATA, 9, new MetadataRequestData(), 2));
      assertTrue(raw.closedByBroker(RawConnection.READ_TIMEOUT_MS), "Metadata before authentication must close the connection");
    }
  }

  static List<Node> describeCluster(Properties client) throws Exception {
    Properties p = new Properties();
    p.putAll(client);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin a = Admin.create(p)) {
      return new ArrayList<>(a.describeCluster().nodes().get());
    }
  }

  static void awaitLogin(Properties client) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        describeCluster(client);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof SaslAuthenticationException) || System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private static byte[] readUntilClosed(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[512];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the SSL listener kept a plaintext connection open", e);
    } catch (SocketException reset) {
      // closed by the broker
    }
    return out.toByteArray();
  }
}
