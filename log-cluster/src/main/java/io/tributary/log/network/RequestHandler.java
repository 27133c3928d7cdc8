package io.tributary.log.network;

import io.tributary.log.protocol.KafkaRequest;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/** What the network layer calls for each decoded request. */
public interface RequestHandler {

  /**
   * Handles one request. The future completes with the response body in the request's version, or
   * with {@code null} when no response is sent (Produce with acks=0). Called on a request-handler thread;
   * requests of one connection are handed over one at a time in arrival order, and responses are sent in
   * the same order. A request that waits (acks=all, long poll, metadata propagation) returns a pending
   * future instead of blocking: the handler thread is free again as soon as this method returns.
   */
  CompletableFuture<ApiMessage> handle(KafkaRequest request, ConnectionInfo connection);

  /**
   * Who sent the request: the connection, the listener it came in on (Metadata answers with that listener's
   * addresses) and the principal it authenticated as (ANONYMOUS on PLAINTEXT, or on SSL without a client
   * certificate).
   */
  record ConnectionInfo(String id, String remoteAddress, String listenerName, SecurityProtocol securityProtocol,
      KafkaPrincipal principal, InetAddress clientAddress) {

    public ConnectionInfo withPrincipal(KafkaPrincipal authenticated) {
      return new ConnectionInfo(id, remoteAddress, listenerName, securityProtocol, authenticated, clientAddress);
    }

    public boolean usesSasl() {
      return Listener.usesSasl(securityProtocol);
    }
  }
}
