package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.log.network.Listener;
import io.tributary.log.security.CertificateAuthority;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fetches over TLS cannot use sendfile: the response is read from the segment files into pooled direct buffers
 * and encrypted by the listener's engine (ssl.engine: BoringSSL or the JDK's). One broker with a PLAINTEXT
 * listener and two TLS listeners, one per engine; records of 0 B to 300 KiB (a TLS record holds 16 KiB) in 12
 * partitions of 64 KiB segments: every listener returns byte-identical records, with small and large fetches.
 */
class FetchOverTlsTest {
  static final String PASSWORD = "test-store-password";
  static final String TOPIC = "tls-fetch";
  static final int PARTITIONS = 12;
  static final int RECORDS_PER_PARTITION = 40;
  static final int SEGMENT_BYTES = 64 * 1024;

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static Path trustStore;
  static final Map<TopicPartition, List<byte[]>> produced = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    CertificateAuthority ca = CertificateAuthority.newCa("tls-fetch-ca", Duration.ofDays(2));
    Path keyStore = CertificateAuthority.keyStore(ca.issue("CN=broker"), "PKCS12", dir.resolve("broker.p12"), PASSWORD);
    trustStore = ca.trustStore("PKCS12", dir.resolve("truststore.p12"), PASSWORD);
    cluster = EmbeddedCluster.start(1, dir, Map.of(
        "listeners", "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,JDKSSL://127.0.0.1:0",
        "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SSL:SSL,JDKSSL:SSL",
        "ssl.keystore.type", "PKCS12",
        "ssl.keystore.location", keyStore.toString(),
        "ssl.keystore.password", PASSWORD,
        "listener.name.jdkssl.ssl.engine", "jdk"));
    cluster.createTopic(TOPIC, PARTITIONS, 1, Map.of("segment.bytes", Integer.toString(SEGMENT_BYTES)));
    Random random = new Random(16);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      for (int p = 0; p < PARTITIONS; p++) {
        TopicPartition tp = new TopicPartition(TOPIC, p);
        for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
          // Mostly small records, some across TLS records (16 KiB), some larger than a segment.
          int size = i % 13 == 0 ? 300 * 1024 : i % 5 == 0 ? 20_000 + random.nextInt(20_000) : random.nextInt(2_000);
          byte[] value = new byte[size];
          random.nextBytes(value);
          produced.computeIfAbsent(tp, k -> new ArrayList<>()).add(value);
          producer.send(new ProducerRecord<>(TOPIC, p, null, value)).get();
        }
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void eachTlsListenerHasTheEngineItsConfigNames() {
    Assumptions.assumeTrue(OpenSsl.isAvailable(), () -> "netty-tcnative does not load here: " + OpenSsl.unavailabilityCause());
    Map<String, Listener> listeners = new HashMap<>();
    BrokerListeners.of(cluster.broker(0).config(), null).forEach(l -> listeners.put(l.name(), l));
    assertInstanceOf(OpenSslContext.class, listeners.get("SSL").tls(), "ssl.engine=auto with OpenSSL loading");
    assertInstanceOf(JdkSslContext.class, listeners.get("JDKSSL").tls(), "listener.name.jdkssl.ssl.engine=jdk");
  }

  @ParameterizedTest(name = "{0}, max.partition.fetch.bytes={1}")
  @CsvSource({
      "PLAINTEXT, 1048576", "SSL, 1048576", "JDKSSL, 1048576",
      "SSL, 1024", "JDKSSL, 1024",
      "SSL, 8388608", "JDKSSL, 8388608"})
  void recordsFetchedOverTheListenerAreByteIdentical(String listener, int maxPartitionFetchBytes) {
    Properties p = cluster.consumerProps();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + cluster.broker(0).boundPort(listener));
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(maxPartitionFetchBytes));
    if (!listener.equals("PLAINTEXT")) {
      p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
      p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
      p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, trustStore.toString());
      p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD);
      p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
    }
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> fetched = new HashMap<>();
    List<TopicPartition> all = IntStream.range(0, PARTITIONS).mapToObj(i -> new TopicPartition(TOPIC, i)).toList();
    int expected = PARTITIONS * RECORDS_PER_PARTITION;
    int count = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.assign(all);
      consumer.seekToBeginning(all);
      while (count < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          fetched.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>()).add(r);
          count++;
        }
      }
    }
    assertEquals(expected, count, "records fetched over " + listener);
    for (TopicPartition tp : all) {
      List<ConsumerRecord<byte[], byte[]>> got = fetched.get(tp);
      for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
        assertEquals(i, got.get(i).offset(), tp + " offset");
        assertArrayEquals(produced.get(tp).get(i), got.get(i).value(), tp + " offset " + i + " over " + listener);
      }
    }
  }
}
