package io.tributary.log.network;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Kafka's connection limits of a listener: {@code max.connections} in all, {@code max.connections.per.ip}
 * from one address, and {@code max.connections.per.ip.overrides} for named hosts. Pure decision: which
 * limit, if any, refuses one more connection; the counting lives in {@link ConnectionQuotas}.
 *
 * @param maxConnections connections open at once, over all addresses
 * @param maxConnectionsPerIp connections open at once from one address without an override
 * @param perIpOverrides per-address limits replacing {@code maxConnectionsPerIp}
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerIp, Map<InetAddress, Integer> perIpOverrides) {
  /** Kafka's defaults: no limit. */
  public static final ConnectionLimits UNLIMITED = new ConnectionLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Map.of());

  public ConnectionLimits {
    if (maxConnections < 0 || maxConnectionsPerIp < 0 || perIpOverrides.values().stream().anyMatch(n -> n < 0)) {
      throw new IllegalArgumentException("connection limits cannot be negative: max " + maxConnections
          + ", per ip " + maxConnectionsPerIp + ", overrides " + perIpOverrides);
    }
    perIpOverrides = Map.copyOf(perIpOverrides);
  }

  /** The limit that refuses one more connection from {@code address}, or null when it may open. */
  public Refusal refusal(int openInAll, int openFromAddress, InetAddress address) {
    if (openInAll >= maxConnections) {
      return new Refusal("max.connections", maxConnections);
    }
    Integer override = perIpOverrides.get(address);
    if (override != null) {
      return openFromAddress >= override ? new Refusal("max.connections.per.ip.overrides", override) : null;
    }
    return openFromAddress >= maxConnectionsPerIp ? new Refusal("max.connections.per.ip", maxConnectionsPerIp) : null;
  }

  /** The limit (its Kafka key name and value) a refused connection ran into. */
  public record Refusal(String key, int limit) {}

  /**
   * Parses {@code max.connections.per.ip.overrides}, Kafka's {@code host:count,host:count} (the last colon
   * separates the count, so IPv6 literals work). Host names are resolved once, here, as Kafka does.
   */
  public static Map<InetAddress, Integer> parseOverrides(String key, String value) {
    Map<InetAddress, Integer> overrides = new LinkedHashMap<>();
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.lastIndexOf(':');
      if (colon <= 0) {
        throw new ConfigException(key, value, "expected host:count entries separated by commas");
      }
      String host = entry.substring(0, colon).trim();
      try {
        int count = Integer.parseInt(entry.substring(colon + 1).trim());
        if (count < 0) {
          throw new ConfigException(key, value, "a count cannot be negative");
        }
        overrides.put(InetAddress.getByName(host), count);
      } catch (NumberFormatException e) {
        throw new ConfigException(key, value, "the count after the last ':' must be an integer");
      } catch (UnknownHostException e) {
        throw new ConfigException(key, value, "unknown host " + host);
      }
    }
    return overrides;
  }
}
