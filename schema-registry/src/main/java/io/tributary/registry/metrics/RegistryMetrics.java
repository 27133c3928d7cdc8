package io.tributary.registry.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.registry.rest.RestApi;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The registry node's request meters: {@code kafka_schema_registry_http_requests_total{method,status}},
 * {@code kafka_schema_registry_http_errors_total{method,status}} (status 400 and above) and the latency summary
 * {@code kafka_schema_registry_http_requestlatencyms{method,quantile}}; in JMX
 * {@code kafka.schema.registry:type=Http,name=RequestsPerSec,method=GET,status=200} and so on.
 */
public final class RegistryMetrics implements RestApi.RequestObserver {
  private static final String PREFIX = "kafka.schema.registry.Http.";
  /** Statuses from this one up are errors (4xx: the caller's, 5xx: ours). */
  private static final int FIRST_ERROR_STATUS = 400;

  private final MeterRegistry registry;
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> latency = new ConcurrentHashMap<>();

  public RegistryMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handled(String method, int status, long durationNanos) {
    String key = method + " " + status;
    requests.computeIfAbsent(key, k -> Counter.builder(PREFIX + "Requests").tag("method", method)
        .tag("status", Integer.toString(status)).description("requests answered").register(registry)).increment();
    if (status >= FIRST_ERROR_STATUS) {
      errors.computeIfAbsent(key, k -> Counter.builder(PREFIX + "Errors").tag("method", method)
          .tag("status", Integer.toString(status)).description("requests answered with an error status")
          .register(registry)).increment();
    }
    latency.computeIfAbsent(method, m -> DistributionSummary.builder(PREFIX + "RequestLatencyMs").tag("method", m)
            .description("time to answer a request, ms").publishPercentiles(0.5, 0.95, 0.99).register(registry))
        .record(TimeUnit.NANOSECONDS.toMicros(durationNanos) / 1000.0);
  }
}
