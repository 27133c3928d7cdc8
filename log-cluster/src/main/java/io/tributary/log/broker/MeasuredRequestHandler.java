package io.tributary.log.broker;

import io.tributary.log.metrics.BrokerMetrics;
import io.tributary.log.network.RequestHandler;
import io.tributary.log.protocol.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Counts each request and its total time (from its arrival off the socket, queueing included, to its response
 * being ready; Kafka's {@code RequestsPerSec} and {@code TotalTimeMs} per API), around the real handler.
 */
final class MeasuredRequestHandler implements RequestHandler {
  private final RequestHandler handler;
  private final BrokerMetrics metrics;

  MeasuredRequestHandler(RequestHandler handler, BrokerMetrics metrics) {
    this.handler = handler;
    this.metrics = metrics;
  }

  @Override
  public CompletableFuture<ApiMessage> handle(KafkaRequest request, ConnectionInfo connection) {
    CompletableFuture<ApiMessage> response = handler.handle(request, connection);
    response.whenComplete((body, error) -> metrics.requestCompleted(request.apiKey().name,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.receivedNanos())));
    return response;
  }
}
