package io.tributary.log.cluster;

/** A live broker as registered in ZooKeeper. */
public record BrokerInfo(int id, String host, int port, String rack) {
  public BrokerInfo {
    rack = rack == null ? "" : rack;
  }

  public String address() {
    return host + ":" + port;
  }
}
