package io.tributary.connect.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.metrics.MetricsHttpServer;
import io.tributary.metrics.ProcessMetrics;
import io.tributary.metrics.Readiness;
import java.io.IOException;
import java.util.function.Supplier;

/** The metrics registry and HTTP listener of a {@code connect run} or {@code connect worker} process. */
public final class ConnectMetricsListener implements AutoCloseable {
  /** Where the listener binds: every interface, so that a Prometheus on another host can scrape it. */
  public static final String BIND_HOST = "0.0.0.0";

  private final ProcessMetrics metrics;
  private final MetricsHttpServer http;

  private ConnectMetricsListener(ProcessMetrics metrics, MetricsHttpServer http) {
    this.metrics = metrics;
    this.http = http;
  }

  /** Serves {@code /metrics} and {@code /health/*} on {@code port} (0: any free port). */
  public static ConnectMetricsListener start(int port, String processName, Supplier<Readiness> readiness)
      throws IOException {
    ProcessMetrics metrics = new ProcessMetrics();
    try {
      return new ConnectMetricsListener(metrics,
          MetricsHttpServer.start(BIND_HOST, port, metrics, readiness, processName));
    } catch (IOException | RuntimeException e) {
      metrics.close();
      throw e;
    }
  }

  public MeterRegistry registry() {
    return metrics.registry();
  }

  public int boundPort() {
    return http.boundPort();
  }

  @Override
  public void close() {
    http.close();
    metrics.close();
  }
}
