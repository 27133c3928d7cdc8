package io.tributary.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a pipeline's security section gives its Kafka clients and its registry clients. */
class SecuritySectionTest {
  static final Path FILE = Path.of("/pipelines/orders.yaml");
  static final String BASE = """
      name: orders
      source:
        type: generator
      sink:
        type: topic
        topic: orders
      schema:
        registry.url: https://registry:8081
      """;

  @Test
  void kafkaKeysAndRegistryKeysGoToTheirClients() throws Exception {
    Pipeline p = PipelineLoader.parse(FILE, BASE + """
        security:
          security.protocol: SASL_SSL
          sasl.mechanism: SCRAM-SHA-512
          sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="etl" password="s3cret";
          ssl.truststore.type: PEM
          ssl.truststore.location: certs/ca.pem
          basic.auth.user.info: etl:s3cret
          schema.registry.ssl.truststore.type: PEM
          schema.registry.ssl.truststore.location: /etc/ca.pem
        """);
    assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
        "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"etl\" password=\"s3cret\";",
        "ssl.truststore.type", "PEM", "ssl.truststore.location", "/pipelines/certs/ca.pem"), p.security().kafka());
    assertEquals(Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "etl:s3cret",
        "schema.registry.ssl.truststore.type", "PEM", "schema.registry.ssl.truststore.location", "/etc/ca.pem"),
        p.security().registry());
    assertEquals("https://registry:8081", p.security().serdeConfigs("https://registry:8081").get("schema.registry.url"));
    assertEquals("30000", p.security().kafkaWith(Map.of("request.timeout.ms", "30000")).get("request.timeout.ms"));
    assertFalse(p.toString().contains("s3cret"), "no password in a pipeline's toString");
  }

  @Test
  void withoutASectionNoClientChanges() throws Exception {
    Pipeline p = PipelineLoader.parse(FILE, BASE);
    assertEquals(Map.of(), p.security().kafka());
    assertEquals(Map.of(), p.security().registry());
  }
}
