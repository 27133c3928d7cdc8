package io.tributary.bench;

import io.tributary.log.cluster.ScramCredentialStore;
import io.tributary.log.cluster.ZkPaths;
import io.tributary.log.security.CertificateAuthority;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * The security both systems share in {@code --security sasl_ssl}: one generated CA (JDK/BouncyCastle keys, RSA) and
 * one PKCS12 key store per broker index (SANs 127.0.0.1 and localhost), so broker {@code i} of Kafka and of
 * Tributary present the same certificate; TLS 1.3 only; SCRAM-SHA-512 for clients ({@value #CLIENT_USER}) and
 * between brokers ({@value #BROKER_USER}), credentials with {@value #SCRAM_ITERATIONS} iterations. Kafka's KRaft
 * peer gets the users at format time ({@code kafka-storage format --add-scram}); Tributary's are written to
 * ZooKeeper's {@code /config/users} before its brokers start. No authorizer on either side: the comparison is of
 * TLS and SASL, not of ACL checks.
 */
final class SaslSslSetup {
  static final String PROTOCOL = "SASL_SSL";
  static final String MECHANISM = "SCRAM-SHA-512";
  static final String TLS_VERSION = "TLSv1.3";
  static final String CLIENT_USER = "bench";
  static final String BROKER_USER = "broker";
  /** Kafka's minimum and kafka-configs.sh's default. */
  static final int SCRAM_ITERATIONS = 4096;
  static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(2);
  /** Random bytes per password: base64url without padding, so no character Kafka's --add-scram syntax reserves. */
  static final int PASSWORD_BYTES = 24;
  static final String CLIENT_FILE = "client.properties";
  static final String CA_FILE = "ca.pem";
  private static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule";
  private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

  private final Path dir;
  private final String clientPassword;
  private final String brokerPassword;
  private final String storePassword;

  private SaslSslSetup(Path dir, String clientPassword, String brokerPassword, String storePassword) {
    this.dir = dir;
    this.clientPassword = clientPassword;
    this.brokerPassword = brokerPassword;
    this.storePassword = storePassword;
  }

  /** A new CA, {@code brokers} key stores, passwords and the clients' properties file, all under {@code dir}. */
  static SaslSslSetup create(Path dir, int brokers) throws BenchException {
    SaslSslSetup s = new SaslSslSetup(dir, password(), password(), password());
    try {
      Files.createDirectories(dir);
      CertificateAuthority ca = CertificateAuthority.newCa("tributary bench CA", CERTIFICATE_VALIDITY);
      Files.writeString(s.caFile(), ca.caPem());
      for (int i = 0; i < brokers; i++) {
        CertificateAuthority.keyStore(ca.issue("CN=bench-broker-" + i, List.of("127.0.0.1", "localhost")), "PKCS12",
            s.keyStore(i), s.storePassword);
      }
      Properties p = new Properties();
      p.putAll(s.clientConfig());
      try (Writer w = Files.newBufferedWriter(s.clientConfigFile())) {
        p.store(w, "bench --security sasl_ssl: Kafka client properties of user " + CLIENT_USER);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new BenchException("cannot generate the bench's CA, key stores and client properties in " + dir + ": "
          + e.getMessage(), e);
    }
    return s;
  }

  Path caFile() {
    return dir.resolve(CA_FILE);
  }

  Path keyStore(int brokerIndex) {
    return dir.resolve("broker-" + brokerIndex + ".p12");
  }

  /** Given to Kafka's tools as --producer.config, --consumer.config and EndToEndLatency's properties file. */
  Path clientConfigFile() {
    return dir.resolve(CLIENT_FILE);
  }

  /** The clients' keys: SASL_SSL, SCRAM-SHA-512 as {@value #CLIENT_USER}, TLS 1.3 only, the CA as a PEM trust store. */
  Map<String, String> clientConfig() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("security.protocol", PROTOCOL);
    c.put("sasl.mechanism", MECHANISM);
    c.put("sasl.jaas.config", jaas(SCRAM_LOGIN, CLIENT_USER, clientPassword, ""));
    c.put("ssl.protocol", TLS_VERSION);
    c.put("ssl.enabled.protocols", TLS_VERSION);
    c.put("ssl.truststore.type", "PEM");
    c.put("ssl.truststore.location", caFile().toString());
    return c;
  }

  /** TLS keys every broker of both systems gets (Kafka's names; broker {@code i}'s certificate). */
  private Map<String, String> tls(int brokerIndex) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("ssl.protocol", TLS_VERSION);
    c.put("ssl.keystore.type", "PKCS12");
    c.put("ssl.keystore.location", keyStore(brokerIndex).toString());
    c.put("ssl.keystore.password", storePassword);
    c.put("ssl.key.password", storePassword);
    c.put("ssl.truststore.type", "PEM");
    c.put("ssl.truststore.location", caFile().toString());
    return c;
  }

  /** Tributary broker {@code i}: one SASL_SSL listener, inter-broker over it with SCRAM-SHA-512. */
  Map<String, String> tributaryBroker(int brokerIndex, int port) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("listeners", PROTOCOL + "://127.0.0.1:" + port);
    c.put("inter.broker.listener.name", PROTOCOL);
    c.put("sasl.enabled.mechanisms", MECHANISM);
    c.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    c.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(SCRAM_LOGIN, BROKER_USER, brokerPassword, ""));
    c.putAll(tls(brokerIndex));
    return c;
  }

  /**
   * Kafka node {@code i} (KRaft combined mode): the client listener SASL_SSL with SCRAM-SHA-512, inter-broker over
   * it; the controller listener SASL_SSL too, with PLAIN, because KRaft cannot use SCRAM on the controller listener
   * (the credentials live in the metadata log the controllers serve).
   */
  Map<String, String> kafkaNode(int brokerIndex, int port, int controllerPort) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("listeners", PROTOCOL + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    c.put("advertised.listeners", PROTOCOL + "://127.0.0.1:" + port);
    c.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SASL_SSL");
    c.put("inter.broker.listener.name", PROTOCOL);
    c.put("sasl.enabled.mechanisms", MECHANISM);
    c.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    c.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(SCRAM_LOGIN, BROKER_USER, brokerPassword, ""));
    c.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    c.put("sasl.mechanism.controller.protocol", "PLAIN");
    c.put("listener.name.controller.plain.sasl.jaas.config",
        jaas(PLAIN_LOGIN, BROKER_USER, brokerPassword, " user_" + BROKER_USER + "=\"" + brokerPassword + "\""));
    c.put("ssl.enabled.protocols", TLS_VERSION);
    c.putAll(tls(brokerIndex));
    return c;
  }

  /** {@code kafka-storage format} arguments that put both SCRAM users into the metadata log (KIP-900). */
  List<String> kafkaFormatScramArgs() {
    return List.of("--add-scram", scramArg(CLIENT_USER, clientPassword), "--add-scram", scramArg(BROKER_USER, brokerPassword));
  }

  private static String scramArg(String user, String password) {
    return MECHANISM + "=[name=" + user + ",password=" + password + ",iterations=" + SCRAM_ITERATIONS + "]";
  }

  /** Writes both users' SCRAM-SHA-512 credentials where Tributary's brokers read them (namespace of {@code zkConnect}). */
  void seedTributaryUsers(String zkConnect, long timeoutMs) throws BenchException, InterruptedException {
    String[] target = ZkPaths.serversAndNamespace(zkConnect);
    try (CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(target[0]).namespace(target[1])
        .retryPolicy(new ExponentialBackoffRetry(200, 5)).build()) {
      zk.start();
      if (!zk.blockUntilConnected((int) timeoutMs, TimeUnit.MILLISECONDS)) {
        throw new BenchException("ZooKeeper at " + zkConnect + " did not accept a connection within " + timeoutMs + " ms");
      }
      ScramCredentialStore users = new ScramCredentialStore(zk);
      ScramMechanism mechanism = ScramMechanism.forMechanismName(MECHANISM);
      ScramFormatter formatter = new ScramFormatter(mechanism);
      users.alter(CLIENT_USER, mechanism, formatter.generateCredential(clientPassword, SCRAM_ITERATIONS));
      users.alter(BROKER_USER, mechanism, formatter.generateCredential(brokerPassword, SCRAM_ITERATIONS));
    } catch (InterruptedException | BenchException e) {
      throw e;
    } catch (Exception e) {
      throw new BenchException("cannot write the SCRAM users to ZooKeeper at " + zkConnect + ": " + e.getMessage(), e);
    }
  }

  /** Properties lines of {@code config}, ending with a newline. */
  static String lines(Map<String, String> config) {
    StringBuilder sb = new StringBuilder();
    config.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
    return sb.toString();
  }

  private static String jaas(String module, String user, String password, String extra) {
    return module + " required username=\"" + user + "\" password=\"" + password + "\"" + extra + ";";
  }

  private static String password() {
    byte[] b = new byte[PASSWORD_BYTES];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
