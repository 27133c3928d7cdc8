package io.tributary.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import java.util.Locale;

/**
 * Prometheus' naming with lower-case names, as the Prometheus JMX exporter renders Kafka's MBeans with
 * {@code lowercaseOutputName: true} (the setting of the Kafka dashboards): the meter
 * {@code kafka.server.ReplicaManager.UnderReplicatedPartitions} becomes
 * {@code kafka_server_replicamanager_underreplicatedpartitions}, and a counter gains {@code _total}.
 */
final class LowercaseNaming implements NamingConvention {
  private final NamingConvention prometheus = new PrometheusNamingConvention();

  @Override
  public String name(String name, Meter.Type type, String baseUnit) {
    return prometheus.name(name, type, baseUnit).toLowerCase(Locale.ROOT);
  }

  @Override
  public String tagKey(String key) {
    return prometheus.tagKey(key);
  }
}
