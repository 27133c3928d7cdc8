package io.tributary.log.network;

import io.tributary.log.protocol.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiMessage;

/** What the network layer calls for each decoded request. */
public interface RequestHandler {

  /**
   * Handles one request. The future completes with the response body in the request's version, or
   * with {@code null} when no response is sent (Produce with acks=0). Requests of one connection are
   * handed over in arrival order on that connection's thread; responses are sent in the same order.
   */
  CompletableFuture<ApiMessage> handle(KafkaRequest request, ConnectionInfo connection);

  /** Who sent the request. */
  record ConnectionInfo(String id, String remoteAddress) {}
}
