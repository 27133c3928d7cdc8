package io.tributary.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one meter registry of a process (a broker, a registry node, a connect worker or {@code connect run}):
 * the process's own meters plus the JVM's (memory, GC, threads, classes, CPU, uptime), rendered in
 * Prometheus' text format ({@link #scrape()}) and mirrored to JMX in Kafka's MBean style ({@link JmxMirror}).
 */
public final class ProcessMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final JmxMirror jmx;
  private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();

  public ProcessMetrics() {
    registry.config().namingConvention(new LowercaseNaming());
    new JvmMemoryMetrics(Tags.empty()).bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    jmx = new JmxMirror(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Runs {@code refresh} before each {@link #scrape()}: for meters whose set of series is computed (a group's lag
   * per partition), not counted as things happen.
   */
  public void beforeScrape(Runnable refresh) {
    beforeScrape.add(refresh);
  }

  /** Every meter in Prometheus' text exposition format (version 0.0.4). */
  public String scrape() {
    beforeScrape.forEach(Runnable::run);
    return registry.scrape();
  }

  @Override
  public void close() {
    jmx.close();
    gc.close();
    registry.close();
  }
}
