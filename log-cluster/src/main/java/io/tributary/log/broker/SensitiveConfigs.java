package io.tributary.log.broker;

import io.tributary.config.ZooKeeperAuth;

/**
 * Broker keys whose values DescribeConfigs never returns (Kafka's PASSWORD-typed keys: the value is null and
 * {@code isSensitive} is true), with or without a {@code listener.name.*.} prefix.
 */
final class SensitiveConfigs {
  private SensitiveConfigs() {}

  static boolean isSensitive(String key) {
    return key.endsWith(".password") || key.endsWith("sasl.jaas.config") || key.endsWith("ssl.keystore.key")
        || key.equals(ZooKeeperAuth.AUTH_DIGEST);
  }
}
