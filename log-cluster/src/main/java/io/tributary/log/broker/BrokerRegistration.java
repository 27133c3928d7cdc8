package io.tributary.log.broker;

import io.tributary.log.cluster.BrokerInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * What a broker registers in ZooKeeper: every advertised listener (port 0 resolved to the bound port), and as
 * its {@code host:port} the inter-broker listener's, which followers fetch from.
 */
final class BrokerRegistration {
  private BrokerRegistration() {}

  static BrokerInfo of(BrokerConfig config, ToIntFunction<String> boundPort) {
    Map<String, BrokerInfo.Endpoint> endpoints = new LinkedHashMap<>();
    for (ListenerAddresses.Endpoint e : config.advertisedListeners()) {
      endpoints.put(e.name(), new BrokerInfo.Endpoint(e.host(), e.port() == 0 ? boundPort.applyAsInt(e.name()) : e.port()));
    }
    BrokerInfo.Endpoint interBroker = endpoints.get(config.interBrokerListener());
    return new BrokerInfo(config.brokerId(), interBroker.host(), interBroker.port(), config.rack(), endpoints);
  }
}
