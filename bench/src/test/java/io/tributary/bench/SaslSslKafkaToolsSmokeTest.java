package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/run.sh kafka-tools --security sasl_ssl} end to end at a small size: Apache Kafka (KRaft) and
 * Tributary, 3 brokers each with SASL_SSL listeners only, the same CA and SCRAM-SHA-512 users; Kafka's
 * ProducerPerformance, ConsumerPerformance and EndToEndLatency run against both with the clients' properties file.
 * Each cluster must also serve TLS 1.3 with the bench CA's certificate, refuse a PLAINTEXT client, and refuse a
 * wrong SCRAM password, so the records can only have gone over SASL_SSL.
 *
 * <p>Needs what bench/run.sh builds: the Kafka peer's jars ({@code bench/target/kafka-broker-lib}) and Tributary's
 * dist module ({@code dist/target/classpath.txt}); without them the test is skipped, saying which is missing.
 */
class SaslSslKafkaToolsSmokeTest {
  static final long RECORDS = 3_000;
  static final long LATENCY_RECORDS = 500;
  static final int LATENCY_RATE_PER_SEC = 500;
  static final long E2E_MESSAGES = 200;
  static final int BROKERS = 3;
  /** How long a refused client keeps trying before the test accepts the refusal. */
  static final int REFUSED_CLIENT_TIMEOUT_MS = 8_000;

  @Test
  void bothSystemsRunKafkasToolsOverSaslSslOnly() throws Exception {
    Path home = SmokePrerequisites.home();
    Path kafkaLib = SmokePrerequisites.assumeKafkaPeerAndDistBuilt(home);
    Path work = SmokePrerequisites.workDir(home, "sasl-ssl-smoke");
    Path securityDir = Files.createTempDirectory(work, "security-");
    try {
      runBoth(home, kafkaLib, work, SaslSslSetup.create(securityDir, BROKERS));
    } finally {
      ChildJvm.deleteRecursively(securityDir);
    }
  }

  private static void runBoth(Path home, Path kafkaLib, Path work, SaslSslSetup security) throws Exception {
    List<String> jvmOpts = SmokePrerequisites.brokerJvmOpts();
    PrintStream out = System.out;
    KafkaToolsBench bench = new KafkaToolsBench(RECORDS, LATENCY_RECORDS, LATENCY_RATE_PER_SEC, E2E_MESSAGES, security, out);

    try (ChildJvmPeer kafka = KafkaPeer.start(kafkaLib, BROKERS, work, jvmOpts, Map.of(), security, false, out)) {
      checkOnlySaslSsl(kafka, security);
      checkFigures(bench.measure(kafka));
    }
    try (ChildJvmPeer tributary = TributaryPeer.start(home, BROKERS, work, jvmOpts, Map.of(), security, false, out)) {
      checkOnlySaslSsl(tributary, security);
      checkFigures(bench.measure(tributary));
    }
  }

  private static void checkFigures(KafkaToolsBench.Figures f) {
    assertEquals(RECORDS, f.unthrottled().records(), f.system() + ": ProducerPerformance records");
    assertEquals(LATENCY_RECORDS, f.fixedRate().records(), f.system() + ": fixed-rate records");
    assertEquals(RECORDS, f.consumed().records(), f.system() + ": ConsumerPerformance records");
  }

  /** Every broker: TLS 1.3 with a certificate of the bench CA; a PLAINTEXT client and a wrong password refused. */
  private static void checkOnlySaslSsl(ChildJvmPeer peer, SaslSslSetup security) throws Exception {
    SSLContext tls = trusting(security.caFile());
    for (int port : peer.brokerPorts) {
      try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
        s.setEnabledProtocols(new String[] {"TLSv1.2", "TLSv1.3"});
        s.startHandshake(); // fails unless the broker's certificate is the bench CA's
        assertEquals("TLSv1.3", s.getSession().getProtocol(), peer.system() + " broker on " + port);
      }
    }
    Map<String, String> plaintext = Map.of();
    ExecutionException refused = assertThrows(ExecutionException.class, () -> describe(peer.bootstrap(), plaintext),
        peer.system() + ": a PLAINTEXT client must get no answer from a SASL_SSL listener");
    assertInstanceOf(TimeoutException.class, refused.getCause(), peer.system() + ": " + refused.getCause());

    Map<String, String> wrongPassword = new HashMap<>(security.clientConfig());
    wrongPassword.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + SaslSslSetup.CLIENT_USER + "\" password=\"not-the-password\";");
    ExecutionException denied = assertThrows(ExecutionException.class, () -> describe(peer.bootstrap(), wrongPassword),
        peer.system() + ": a wrong SCRAM password must be refused");
    assertInstanceOf(SaslAuthenticationException.class, denied.getCause(), peer.system() + ": " + denied.getCause());

    assertEquals(BROKERS, describe(peer.bootstrap(), security.clientConfig()), peer.system() + ": brokers seen over SASL_SSL");
  }

  private static int describe(String bootstrap, Map<String, String> clientConfig) throws Exception {
    Properties p = new Properties();
    p.putAll(clientConfig);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(REFUSED_CLIENT_TIMEOUT_MS / 2));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(REFUSED_CLIENT_TIMEOUT_MS));
    try (Admin admin = Admin.create(p)) {
      return admin.describeCluster().nodes().get(REFUSED_CLIENT_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS).size();
    }
  }

  private static SSLContext trusting(Path caPem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
