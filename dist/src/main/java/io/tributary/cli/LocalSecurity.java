package io.tributary.cli;

import io.tributary.cli.LocalCluster.Kind;
import io.tributary.cli.LocalCluster.Node;
import io.tributary.config.ZooKeeperAuth;
import io.tributary.log.cluster.ScramCredentialStore;
import io.tributary.log.cluster.ZkPaths;
import io.tributary.log.security.CertificateAuthority;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * {@code local start --secure}: the secrets and certificates of a secure local cluster and the configuration
 * keys that use them. Everything lives in the cluster directory:
 *
 * <pre>
 *   D/ca.pem                     the CA that signed every node's certificate (clients trust it)
 *   D/client.properties          Kafka client properties of the admin user (owner-only: it holds the password)
 *   D/security/secrets.properties  the generated passwords (owner-only)
 *   D/security/&lt;node&gt;.p12        each node's key and certificate (owner-only)
 * </pre>
 *
 * The brokers serve SASL_SSL only (SCRAM-SHA-512), log in to each other as {@value #BROKER_USER}, run the
 * authorizer with the admin and the brokers as super users, and log in to ZooKeeper with one digest identity
 * ({@value #ZOOKEEPER_USER}) that owns every znode ({@code zookeeper.set.acl=true}).
 */
final class LocalSecurity {
  static final String ADMIN_USER = "admin";
  static final String BROKER_USER = "broker";
  static final String ZOOKEEPER_USER = "tributary";
  static final String MECHANISM = "SCRAM-SHA-512";
  static final String PROTOCOL = "SASL_SSL";
  static final String CA_FILE = "ca.pem";
  static final String CLIENT_FILE = "client.properties";
  static final String SECURITY_DIR = "security";
  static final String SECRETS_FILE = "secrets.properties";
  /** Iterations of the SCRAM credentials written at start (Kafka's minimum and kafka-configs.sh's default). */
  static final int SCRAM_ITERATIONS = 4096;
  /** Validity of the CA and the nodes' certificates. */
  static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(365);
  /** Random bytes of each generated password (base64url, 32 characters). */
  static final int PASSWORD_BYTES = 24;
  static final String AUTHORIZER = "kafka.security.authorizer.AclAuthorizer";
  private static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule";

  /** The generated passwords of one cluster. */
  record Secrets(String admin, String broker, String zookeeper, String stores) {}

  private final Path dir;
  private final Secrets secrets;

  private LocalSecurity(Path dir, Secrets secrets) {
    this.dir = dir;
    this.secrets = secrets;
  }

  /** The security of the cluster in {@code dir}, if it was started with {@code --secure}. */
  static Optional<LocalSecurity> of(Path dir) {
    Path file = dir.resolve(SECURITY_DIR).resolve(SECRETS_FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
    return Optional.of(new LocalSecurity(dir, new Secrets(p.getProperty("admin.password"),
        p.getProperty("broker.password"), p.getProperty("zookeeper.password"), p.getProperty("store.password"))));
  }

  /** New passwords, a new CA and a certificate per node (SANs 127.0.0.1 and localhost), written under {@code dir}. */
  static LocalSecurity generate(Path dir, Iterable<Node> nodes) throws IOException, GeneralSecurityException {
    Secrets s = new Secrets(password(), password(), password(), password());
    Path sec = dir.resolve(SECURITY_DIR);
    Files.createDirectories(sec);
    Files.setPosixFilePermissions(sec, PosixFilePermissions.fromString("rwx------"));
    Properties p = new Properties();
    p.setProperty("admin.password", s.admin());
    p.setProperty("broker.password", s.broker());
    p.setProperty("zookeeper.password", s.zookeeper());
    p.setProperty("store.password", s.stores());
    writeOwnerOnly(sec.resolve(SECRETS_FILE), w -> p.store(w, "tributary local start --secure: generated passwords"));
    CertificateAuthority ca = CertificateAuthority.newCa("tributary local CA", CERTIFICATE_VALIDITY);
    Files.writeString(dir.resolve(CA_FILE), ca.caPem());
    LocalSecurity security = new LocalSecurity(dir, s);
    for (Node n : nodes) {
      if (n.kind() != Kind.ZOOKEEPER) {
        Path store = security.keyStore(n);
        writeOwnerOnly(store, w -> { });
        CertificateAuthority.keyStore(ca.issue("CN=" + n.name()), "PKCS12", store, s.stores());
      }
    }
    writeOwnerOnly(dir.resolve(CLIENT_FILE), w -> w.write(security.clientPropertiesText()));
    return security;
  }

  Secrets secrets() {
    return secrets;
  }

  Path caFile() {
    return dir.resolve(CA_FILE);
  }

  Path clientFile() {
    return dir.resolve(CLIENT_FILE);
  }

  Path keyStore(Node n) {
    return dir.resolve(SECURITY_DIR).resolve(n.name() + ".p12");
  }

  /** TLS that trusts the cluster's CA only (for the registry's HTTPS check). */
  javax.net.ssl.SSLContext trustingCa() throws IOException, GeneralSecurityException {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (java.io.InputStream in = Files.newInputStream(caFile())) {
      trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  ZooKeeperAuth zookeeperAuth() {
    return new ZooKeeperAuth(true, ZOOKEEPER_USER, secrets.zookeeper());
  }

  /** The admin's Kafka client properties: SASL_SSL, SCRAM-SHA-512, the CA as a PEM trust store. */
  Map<String, String> adminClient() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("security.protocol", PROTOCOL);
    c.put("sasl.mechanism", MECHANISM);
    c.put("sasl.jaas.config", jaas(ADMIN_USER, secrets.admin()));
    c.put("ssl.truststore.type", "PEM");
    c.put("ssl.truststore.location", caFile().toString());
    return c;
  }

  Properties adminClientProperties() {
    Properties p = new Properties();
    p.putAll(adminClient());
    return p;
  }

  /** {@code client.properties}: the admin's Kafka client keys, then the registry client keys (Confluent's names). */
  String clientPropertiesText() {
    StringBuilder sb = new StringBuilder("# written by tributary local start --secure: the admin user's client properties\n"
        + "# Kafka clients: --command-config " + clientFile() + " (tributary, kafka-*.sh), or load them in code\n");
    adminClient().forEach((k, v) -> sb.append(k).append('=').append(escape(v)).append('\n'));
    sb.append("# schema registry clients (serdes, connectors, Spark jobs)\n");
    sb.append("basic.auth.credentials.source=USER_INFO\n");
    sb.append("basic.auth.user.info=").append(ADMIN_USER).append(':').append(secrets.admin()).append('\n');
    sb.append("schema.registry.ssl.truststore.type=PEM\n");
    sb.append("schema.registry.ssl.truststore.location=").append(escape(caFile().toString())).append('\n');
    return sb.toString();
  }

  /** A broker's security keys: SASL_SSL only, SCRAM-SHA-512, the authorizer, ZooKeeper ACLs. */
  Map<String, String> brokerConfig(Node n) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("listeners", PROTOCOL + "://" + n.address());
    c.put("inter.broker.listener.name", PROTOCOL);
    c.put("sasl.enabled.mechanisms", MECHANISM);
    c.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    c.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(BROKER_USER, secrets.broker()));
    c.put("ssl.keystore.type", "PKCS12");
    c.put("ssl.keystore.location", keyStore(n).toString());
    c.put("ssl.keystore.password", secrets.stores());
    c.put("ssl.key.password", secrets.stores());
    c.put("ssl.truststore.type", "PEM");
    c.put("ssl.truststore.location", caFile().toString());
    c.put("authorizer.class.name", AUTHORIZER);
    c.put("super.users", "User:" + ADMIN_USER + ";User:" + BROKER_USER);
    c.putAll(zookeeperConfig());
    return c;
  }

  /** The registry's keys as agreed with the registry's security (HTTPS, BASIC, kafkastore.* client keys). */
  Map<String, String> registryConfig(Node n) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("listeners", "https://" + n.address());
    c.put("ssl.keystore.type", "PKCS12");
    c.put("ssl.keystore.location", keyStore(n).toString());
    c.put("ssl.keystore.password", secrets.stores());
    c.put("ssl.key.password", secrets.stores());
    c.put("authentication.method", "BASIC");
    c.put("authentication.realm", "SchemaRegistry");
    c.put("authentication.roles.admin", ADMIN_USER);
    adminClient().forEach((k, v) -> c.put("kafkastore." + k, v));
    c.putAll(zookeeperConfig());
    return c;
  }

  Map<String, String> zookeeperConfig() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(ZooKeeperAuth.SET_ACL, "true");
    c.put(ZooKeeperAuth.AUTH_DIGEST, ZOOKEEPER_USER + ":" + secrets.zookeeper());
    return c;
  }

  /**
   * Before any broker accepts a client: the ZooKeeper root gets the cluster's ACL and the admin and broker users
   * their SCRAM-SHA-512 credentials at {@code /config/users} (readable by the cluster only).
   */
  void prepareZooKeeper(String zookeeperAddress, long timeoutMs) throws Exception {
    ZooKeeperAuth auth = zookeeperAuth();
    // The brokers' namespace (their chroot, else /tributary): where they look for users.
    String[] target = ZkPaths.serversAndNamespace(zookeeperAddress);
    try (CuratorFramework zk = auth.applyTo(CuratorFrameworkFactory.builder().connectString(target[0])
        .namespace(target[1]).retryPolicy(new ExponentialBackoffRetry(200, 5)), target[1]).build()) {
      zk.start();
      if (!zk.blockUntilConnected((int) timeoutMs, TimeUnit.MILLISECONDS)) {
        throw new CliException("ZooKeeper at " + zookeeperAddress + " did not accept a connection within " + timeoutMs
            + " ms");
      }
      // This ZooKeeper serves this cluster only: its root too is the cluster's (nobody else creates top-level znodes).
      auth.protectRoot(zk.usingNamespace(null));
      auth.protectRoot(zk);
      ScramCredentialStore users = new ScramCredentialStore(zk);
      ScramMechanism mechanism = ScramMechanism.forMechanismName(MECHANISM);
      ScramFormatter formatter = new ScramFormatter(mechanism);
      users.alter(ADMIN_USER, mechanism, formatter.generateCredential(secrets.admin(), SCRAM_ITERATIONS));
      users.alter(BROKER_USER, mechanism, formatter.generateCredential(secrets.broker(), SCRAM_ITERATIONS));
    }
  }

  static String jaas(String user, String password) {
    return SCRAM_LOGIN + " required username=\"" + user + "\" password=\"" + password + "\";";
  }

  /** Writes a file that only its owner may read, created so before anything secret is in it. */
  static void writeOwnerOnly(Path file, IoWriter body) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      body.write(w);
    }
  }

  /** Writes some text. */
  interface IoWriter {
    void write(Writer w) throws IOException;
  }

  /** A properties value as {@link Properties#load} reads it back (backslashes doubled). */
  private static String escape(String value) {
    return value.replace("\\", "\\\\");
  }

  private static String password() {
    byte[] bytes = new byte[PASSWORD_BYTES];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
