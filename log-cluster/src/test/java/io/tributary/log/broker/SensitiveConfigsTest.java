package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which broker keys DescribeConfigs answers without their value (Kafka's PASSWORD-typed keys). */
class SensitiveConfigsTest {
  @ParameterizedTest
  @CsvSource({
      "ssl.keystore.password, true",
      "ssl.key.password, true",
      "ssl.truststore.password, true",
      "ssl.keystore.key, true",
      "sasl.jaas.config, true",
      "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config, true",
      "listener.name.ssl.ssl.keystore.password, true",
      "zookeeper.auth.digest, true",
      "zookeeper.set.acl, false",
      "ssl.keystore.location, false",
      "ssl.truststore.type, false",
      "listeners, false",
      "super.users, false",
  })
  void passwordsAndLoginsAreSensitive(String key, boolean sensitive) {
    assertEquals(sensitive, SensitiveConfigs.isSensitive(key), key);
  }
}
