package io.tributary.registry.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.log.security.CertificateAuthority;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.registry.serde.RegistryClient;
import io.tributary.registry.serde.RegistryClient.RegistryClientException;
import io.tributary.registry.testing.Http;
import io.tributary.registry.testing.Schemas;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry on HTTPS with basic auth against the cluster's SCRAM users, its own store on a SASL_SSL broker
 * with an authorizer (the registry's Kafka clients log in as "registry"), all certificates from one test CA:
 * anonymous and wrong passwords get 401 with a Basic challenge, a reader's write and a writer's delete get 403,
 * the admin may do anything; a client that does not trust the CA fails the handshake; the serdes' client
 * passes Confluent's keys; a follower forwards a write over HTTPS with the caller's credentials.
 */
class SecureRegistryTest {
  static final String BROKER_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
      + " username=\"broker\" password=\"broker-secret\" user_broker=\"broker-secret\";";
  static final String STORE_PASSWORD = "store-secret";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static CertificateAuthority ca;
  static Path caPem;
  static EmbeddedCluster cluster;
  static RegistryServer primary;
  static RegistryServer follower;

  @BeforeAll
  static void start() throws Exception {
    ca = CertificateAuthority.newCa("registry-test-ca", Duration.ofDays(2));
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
    cluster = EmbeddedCluster.start(1, dir, brokers);
    try (Admin admin = Admin.create(kafkaClient("PLAIN", "broker", "broker-secret"))) {
      for (String user : List.of("registry", "admin", "alice", "bob", "carol")) {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), user + "-secret"))).all().get();
      }
    }
    primary = new RegistryServer(new RegistryConfig(registryConfig("registry-1", true))).start();
    follower = new RegistryServer(new RegistryConfig(registryConfig("registry-2", false))).start();
    awaitPrimary(primary);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {follower, primary, cluster}) {
      if (c != null) {
        c.close();
      }
    }
  }

  static Properties kafkaClient(String mechanism, String user, String password) {
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

  /** An HTTPS node (PKCS12 key store) with basic auth; its store's clients log in over SASL_SSL as "registry". */
  static Map<String, String> registryConfig(String name, boolean eligible) throws Exception {
    Map<String, String> c = new HashMap<>();
    c.put(RegistryConfig.LISTENERS, "https://127.0.0.1:0");
    c.put(RegistryConfig.SSL_KEYSTORE_TYPE, "PKCS12");
    c.put(RegistryConfig.SSL_KEYSTORE_LOCATION, CertificateAuthority.keyStore(ca.issue("CN=" + name), "PKCS12",
        dir.resolve(name + ".p12"), STORE_PASSWORD).toString());
    c.put(RegistryConfig.SSL_KEYSTORE_PASSWORD, STORE_PASSWORD);
    c.put(RegistryConfig.SSL_KEY_PASSWORD, STORE_PASSWORD);
    c.put(RegistryConfig.SSL_TRUSTSTORE_TYPE, "PEM");
    c.put(RegistryConfig.SSL_TRUSTSTORE_LOCATION, caPem.toString());
    c.put(RegistryConfig.AUTHENTICATION_METHOD, "BASIC");
    c.put(RegistryConfig.AUTHENTICATION_REALM, "TestRealm");
    c.put(RegistryConfig.ROLES_ADMIN, "admin");
    c.put(RegistryConfig.ROLES_WRITE, "bob");
    c.put(RegistryConfig.ROLES_READ, "alice");
    c.put(RegistryConfig.ZK_CONNECT, cluster.zookeeperConnect());
    c.put(RegistryConfig.LEADER_ELIGIBILITY, Boolean.toString(eligible));
    c.put(RegistryConfig.BOOTSTRAP, cluster.bootstrapServers());
    c.put(RegistryConfig.TOPIC_RF, "1");
    kafkaClient("SCRAM-SHA-512", "registry", "registry-secret").forEach((k, v) -> {
      if (!k.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
        c.put("kafkastore." + k, v.toString());
      }
    });
    return c;
  }

  static void awaitPrimary(RegistryServer server) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!server.isPrimary()) {
      assertTrue(System.currentTimeMillis() < deadline, "no primary within 60 s");
      Thread.sleep(50);
    }
  }

  /** A TLS context trusting the test CA only. */
  static SSLContext trustingCa() throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(ca.caPem().getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  record Res(int status, String body, String challenge) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  /** A raw call over HTTPS trusting the test CA, as {@code user} (null: anonymous). */
  static Res call(String base, String method, String path, String body, String user, String password) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(trustingCa()).version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", Http.CT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (user != null) {
      b.header("Authorization", new BasicCredentials(user, password).header());
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Res(r.statusCode(), r.body(), r.headers().firstValue("WWW-Authenticate").orElse(null));
  }

  static Res as(String user, String method, String path, String body) throws Exception {
    return call(primary.url(), method, path, body, user, user + "-secret");
  }

  @Test
  void listensOnHttps() {
    assertTrue(primary.url().startsWith("https://127.0.0.1:"), primary.url());
  }

  @Test
  void anonymousAndWrongPasswordsGet401WithABasicChallenge() throws Exception {
    String schema = Http.schemaBody(Schemas.record("Anon", Schemas.field("a", "string")));
    for (Res r : List.of(call(primary.url(), "POST", "/subjects/anon/versions", schema, null, null),
        call(primary.url(), "GET", "/subjects", null, null, null),
        call(primary.url(), "POST", "/subjects/anon/versions", schema, "admin", "not-the-password"),
        call(primary.url(), "GET", "/subjects", null, "nobody", "nobody-secret"))) {
      assertEquals(401, r.status(), r.body());
      assertEquals("Basic realm=\"TestRealm\"", r.challenge());
      assertEquals(401, r.json().get("error_code").asInt());
      assertTrue(r.json().get("message").asText().startsWith("Unauthorized"), r.body());
    }
  }

  @Test
  void rolesDecideWhatAnAuthenticatedUserMayDo() throws Exception {
    String schema = Http.schemaBody(Schemas.record("Roles", Schemas.field("a", "string")));
    Res readersWrite = as("alice", "POST", "/subjects/roles-value/versions", schema);
    assertEquals(403, readersWrite.status(), readersWrite.body());
    assertEquals(403, readersWrite.json().get("error_code").asInt());
    assertTrue(readersWrite.json().get("message").asText().contains("WRITE"), readersWrite.body());

    Res written = as("bob", "POST", "/subjects/roles-value/versions", schema);
    assertEquals(200, written.status(), written.body());
    int id = written.json().get("id").asInt();
    assertEquals(200, as("alice", "GET", "/schemas/ids/" + id, null).status());
    assertEquals(200, as("alice", "POST", "/subjects/roles-value", schema).status(), "a lookup is a read");
    assertEquals(200, as("alice", "POST", "/compatibility/subjects/roles-value/versions/latest", schema).status());

    assertEquals(403, as("bob", "PUT", "/config/roles-value", "{\"compatibility\":\"NONE\"}").status());
    assertEquals(403, as("bob", "DELETE", "/subjects/roles-value", null).status());
    assertEquals(403, as("carol", "GET", "/subjects", null).status(), "a user with no role");

    assertEquals(200, as("admin", "PUT", "/config/roles-value", "{\"compatibility\":\"NONE\"}").status());
    assertEquals(200, as("admin", "PUT", "/mode/roles-value", "{\"mode\":\"READWRITE\"}").status());
    Res deleted = as("admin", "DELETE", "/subjects/roles-value", null);
    assertEquals(200, deleted.status(), deleted.body());
    assertEquals("[1]", deleted.body());
  }

  @Test
  void aClientThatDoesNotTrustTheCaFailsTheHandshake() {
    HttpClient jdkDefaults = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest get = HttpRequest.newBuilder(URI.create(primary.url() + "/subjects")).timeout(Duration.ofSeconds(30))
        .header("Authorization", new BasicCredentials("admin", "admin-secret").header()).build();
    IOException refused = assertThrows(IOException.class, () -> jdkDefaults.send(get, HttpResponse.BodyHandlers.ofString()));
    assertTrue(refused instanceof SSLHandshakeException || refused.getCause() instanceof SSLHandshakeException
        || String.valueOf(refused.getMessage()).contains("PKIX"), refused.toString());

    IOException untrusted = assertThrows(IOException.class, () -> new RegistryClient(primary.url(), Duration.ofSeconds(30),
        Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "admin:admin-secret")).call("GET", "/subjects", null));
    assertFalse(untrusted instanceof RegistryClientException, untrusted.toString());
  }

  @Test
  void serdesPassConfluentsClientKeys() throws Exception {
    Map<String, Object> configs = new HashMap<>();
    configs.put("schema.registry.url", primary.url());
    configs.put("basic.auth.credentials.source", "USER_INFO");
    configs.put("basic.auth.user.info", "bob:bob-secret");
    configs.put("schema.registry.ssl.truststore.type", "PEM");
    configs.put("schema.registry.ssl.truststore.location", caPem.toString());
    Schema schema = new Schema.Parser().parse(Schemas.record("Order", Schemas.field("item", "string")));
    GenericRecord order = new GenericData.Record(schema);
    order.put("item", "apples");
    byte[] bytes;
    try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
      serializer.configure(configs, false);
      bytes = serializer.serialize("orders", order);
    }
    configs.put("basic.auth.user.info", "alice:alice-secret"); // a reader may read
    try (KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
      deserializer.configure(configs, false);
      assertEquals("apples", ((GenericRecord) deserializer.deserialize("orders", bytes)).get("item").toString());
    }

    configs.put("basic.auth.user.info", "alice:wrong");
    RegistryClient wrong = new RegistryClient(primary.url(), Duration.ofSeconds(30), configs);
    RegistryClientException e = assertThrows(RegistryClientException.class, () -> wrong.latest("orders-value"));
    assertEquals(401, e.status());
    // the credentials may also travel in the URL (basic.auth.credentials.source=URL, Confluent's default)
    RegistryClient inUrl = new RegistryClient(primary.url().replace("https://", "https://alice:alice-secret@"),
        Duration.ofSeconds(30), Map.of("schema.registry.ssl.truststore.type", "PEM",
            "schema.registry.ssl.truststore.location", caPem.toString()));
    assertEquals("orders-value", inUrl.latest("orders-value").subject());
  }

  @Test
  void aFollowerForwardsWritesOverHttpsWithTheCallersCredentials() throws Exception {
    assertFalse(follower.isPrimary());
    assertTrue(follower.url().startsWith("https://"), follower.url());
    String schema = Http.schemaBody(Schemas.record("Fwd", Schemas.field("f", "string")));
    Res anonymous = call(follower.url(), "POST", "/subjects/fwd-value/versions", schema, null, null);
    assertEquals(401, anonymous.status(), anonymous.body());
    Res reader = call(follower.url(), "POST", "/subjects/fwd-value/versions", schema, "alice", "alice-secret");
    assertEquals(403, reader.status(), reader.body());
    Res written = call(follower.url(), "POST", "/subjects/fwd-value/versions", schema, "bob", "bob-secret");
    assertEquals(200, written.status(), written.body());
    assertEquals(written.json().get("id").asInt(),
        as("alice", "GET", "/subjects/fwd-value/versions/latest", null).json().get("id").asInt());
  }

  @Test
  void badSecurityConfigurationIsRefusedNamingTheKey() {
    IllegalArgumentException noKeyStore = assertThrows(IllegalArgumentException.class,
        () -> new RegistryConfig(Map.of("listeners", "https://127.0.0.1:0")));
    assertTrue(noKeyStore.getMessage().contains("ssl.keystore.location"), noKeyStore.getMessage());
    IllegalArgumentException noZk = assertThrows(IllegalArgumentException.class,
        () -> new RegistryConfig(Map.of("authentication.method", "BASIC")));
    assertTrue(noZk.getMessage().contains("zookeeper.connect"), noZk.getMessage());
    IllegalArgumentException method = assertThrows(IllegalArgumentException.class,
        () -> new RegistryConfig(Map.of("authentication.method", "JETTY_AUTH")));
    assertTrue(method.getMessage().contains("authentication.method"), method.getMessage());
    IllegalArgumentException badStore = assertThrows(IllegalArgumentException.class,
        () -> RegistryTls.engines(Map.of("ssl.keystore.type", "PKCS12", "ssl.keystore.location", "/no/such/file.p12",
            "ssl.keystore.password", "x")));
    assertTrue(badStore.getMessage().contains("ssl.keystore"), badStore.getMessage());
    IllegalArgumentException clientAuth = assertThrows(IllegalArgumentException.class,
        () -> RegistryTls.clientAuth("SOMETIMES"));
    assertTrue(clientAuth.getMessage().contains("ssl.client.authentication"), clientAuth.getMessage());
  }
}
