package io.tributary.log.cluster;

import java.util.Map;

/**
 * A live broker as registered in ZooKeeper. {@code host:port} is its inter-broker listener's address (what
 * followers fetch from); {@code endpoints} are its advertised listeners by name, as Kafka registers them,
 * so that each client is answered with the address of the listener it connected to.
 */
public record BrokerInfo(int id, String host, int port, String rack, Map<String, Endpoint> endpoints) {

  /** One advertised listener: where clients of that listener reach this broker. */
  public record Endpoint(String host, int port) {}

  public BrokerInfo {
    rack = rack == null ? "" : rack;
    endpoints = endpoints == null ? Map.of() : Map.copyOf(endpoints);
  }

  /** A broker with one listener (a registration written before listeners had names). */
  public BrokerInfo(int id, String host, int port, String rack) {
    this(id, host, port, rack, Map.of());
  }

  public String address() {
    return host + ":" + port;
  }

  /**
   * The address of this broker's listener {@code listenerName}; a registration without named listeners has
   * only its one address, which serves every listener.
   */
  public Endpoint endpoint(String listenerName) {
    if (endpoints.isEmpty()) {
      return new Endpoint(host, port);
    }
    return endpoints.get(listenerName);
  }
}
