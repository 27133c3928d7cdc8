package io.tributary.log.broker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Kafka's listener keys, parsed: {@code listeners} and {@code advertised.listeners} as
 * {@code NAME://host:port,...}, {@code listener.security.protocol.map} as {@code NAME:PROTOCOL,...}, and
 * {@code inter.broker.listener.name}. A bare {@code host:port} (what brokers accepted before listeners had
 * names) is the listener PLAINTEXT.
 */
public final class ListenerAddresses {
  /** Kafka's default map: each protocol's name is a listener of that protocol. */
  public static final String DEFAULT_PROTOCOL_MAP = "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL";
  private static final int MAX_PORT = 65_535;
  /** What an empty host binds: every interface. */
  static final String ANY_HOST = "0.0.0.0";

  /** One listener's address; port 0 = any free port (advertised: the bound port). */
  public record Endpoint(String name, SecurityProtocol protocol, String host, int port) {}

  private ListenerAddresses() {}

  public static Map<String, SecurityProtocol> protocolMap(String key, String value) {
    Map<String, SecurityProtocol> map = new LinkedHashMap<>();
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.trim().split(":");
      if (parts.length != 2) {
        throw new ConfigException(key, value, "expected NAME:PROTOCOL,NAME:PROTOCOL");
      }
      map.put(parts[0].trim().toUpperCase(Locale.ROOT), protocol(key, value, parts[1].trim()));
    }
    return map;
  }

  /** The endpoints of {@code value}; every name must be in {@code protocols} and appear once. */
  public static List<Endpoint> parse(String key, String value, Map<String, SecurityProtocol> protocols) {
    List<Endpoint> out = new ArrayList<>();
    for (String item : value.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      String s = item.trim();
      String name = SecurityProtocol.PLAINTEXT.name;
      int scheme = s.indexOf("://");
      if (scheme >= 0) {
        name = s.substring(0, scheme).toUpperCase(Locale.ROOT);
        s = s.substring(scheme + 3);
      }
      SecurityProtocol protocol = protocols.get(name);
      if (protocol == null) {
        throw new ConfigException(key, value, "listener " + name + " is not in listener.security.protocol.map " + protocols.keySet());
      }
      int colon = s.lastIndexOf(':');
      if (colon < 0) {
        throw new ConfigException(key, value, "expected NAME://host:port");
      }
      String host = s.substring(0, colon).replace("[", "").replace("]", "");
      int port;
      try {
        port = Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > MAX_PORT) {
        throw new ConfigException(key, value, "port must be 0-" + MAX_PORT);
      }
      String finalName = name;
      if (out.stream().anyMatch(e -> e.name().equals(finalName))) {
        throw new ConfigException(key, value, "listener " + name + " appears twice");
      }
      out.add(new Endpoint(name, protocol, host.isEmpty() ? ANY_HOST : host, port));
    }
    if (out.isEmpty()) {
      throw new ConfigException(key, value, "must name at least one listener");
    }
    return out;
  }

  /**
   * The listener brokers use among themselves: {@code inter.broker.listener.name}, else PLAINTEXT when there
   * is one (Kafka's default), else the first listener.
   */
  public static String interBrokerListener(String configured, List<Endpoint> listeners) {
    if (!configured.isBlank()) {
      String name = configured.trim().toUpperCase(Locale.ROOT);
      if (listeners.stream().noneMatch(e -> e.name().equals(name))) {
        throw new ConfigException("inter.broker.listener.name", configured, "is not one of the listeners");
      }
      return name;
    }
    return listeners.stream().map(Endpoint::name).filter(SecurityProtocol.PLAINTEXT.name::equals).findFirst()
        .orElse(listeners.get(0).name());
  }

  private static SecurityProtocol protocol(String key, String value, String name) {
    try {
      return SecurityProtocol.forName(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, value, "unknown security protocol " + name + " (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)");
    }
  }
}
