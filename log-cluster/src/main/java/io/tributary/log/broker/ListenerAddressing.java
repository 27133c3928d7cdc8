package io.tributary.log.broker;

import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.cluster.ClusterImage;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Brokers named to a client by the addresses of the listener it connected to. The group coordinator names
 * coordinators by their inter-broker address; a FindCoordinator answer is readdressed here for the
 * client's listener (a coordinator without that listener is answered as not available).
 */
final class ListenerAddressing {
  private ListenerAddressing() {}

  /** {@code response} with coordinator addresses for {@code listenerName}; other responses unchanged. */
  static ApiMessage coordinators(ApiMessage response, ClusterImage image, String listenerName) {
    if (!(response instanceof FindCoordinatorResponseData found)) {
      return response;
    }
    // v0-3 answer one key in the top-level fields; v4+ answer in coordinators(), and have no top-level address.
    if (found.coordinators().isEmpty() && found.nodeId() >= 0) {
      BrokerInfo.Endpoint at = endpoint(image, found.nodeId(), listenerName);
      found.setHost(at == null ? "" : at.host()).setPort(at == null ? -1 : at.port());
    }
    for (FindCoordinatorResponseData.Coordinator c : found.coordinators()) {
      if (c.nodeId() >= 0) {
        BrokerInfo.Endpoint at = endpoint(image, c.nodeId(), listenerName);
        c.setHost(at == null ? "" : at.host()).setPort(at == null ? -1 : at.port());
      }
    }
    return found;
  }

  private static BrokerInfo.Endpoint endpoint(ClusterImage image, int brokerId, String listenerName) {
    BrokerInfo broker = image.brokers().get(brokerId);
    return broker == null ? null : broker.endpoint(listenerName);
  }
}
