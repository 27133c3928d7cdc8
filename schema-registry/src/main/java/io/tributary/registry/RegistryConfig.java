package io.tributary.registry;

import io.tributary.config.MarkdownTable;
import io.tributary.config.ZooKeeperAuth;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Typed configuration of one registry node. Keys follow Confluent's where one exists. Every key,
 * its default and its doc are in {@link #DEFINITIONS} (the docs' table is generated from it by
 * {@link #markdownTable()}).
 */
public final class RegistryConfig {

  /** One configuration key. */
  public record Def(String key, String defaultValue, String doc) {}

  public static final String LISTENERS = "listeners";
  public static final String HOST_NAME = "host.name";
  public static final String BOOTSTRAP = "kafkastore.bootstrap.servers";
  public static final String TOPIC = "kafkastore.topic";
  public static final String TOPIC_RF = "kafkastore.topic.replication.factor";
  public static final String STORE_TIMEOUT_MS = "kafkastore.timeout.ms";
  public static final String INIT_TIMEOUT_MS = "kafkastore.init.timeout.ms";
  public static final String ZK_CONNECT = "zookeeper.connect";
  public static final String ZK_SESSION_TIMEOUT_MS = "zookeeper.session.timeout.ms";
  public static final String ZK_NAMESPACE = "schema.registry.zk.namespace";
  public static final String LEADER_ELIGIBILITY = "leader.eligibility";
  public static final String COMPATIBILITY = "schema.compatibility.level";
  public static final String MAX_REQUEST_BYTES = "registry.max.request.bytes";
  public static final String HANDLER_THREADS = "registry.handler.threads";
  public static final String MAX_QUEUED = "registry.max.queued.requests";
  public static final String FORWARD_TIMEOUT_MS = "registry.forward.timeout.ms";
  public static final String METRICS_PORT = "metrics.port";
  public static final String SSL_KEYSTORE_TYPE = "ssl.keystore.type";
  public static final String SSL_KEYSTORE_LOCATION = "ssl.keystore.location";
  public static final String SSL_KEYSTORE_PASSWORD = "ssl.keystore.password";
  public static final String SSL_KEY_PASSWORD = "ssl.key.password";
  public static final String SSL_TRUSTSTORE_TYPE = "ssl.truststore.type";
  public static final String SSL_TRUSTSTORE_LOCATION = "ssl.truststore.location";
  public static final String SSL_TRUSTSTORE_PASSWORD = "ssl.truststore.password";
  public static final String SSL_CLIENT_AUTHENTICATION = "ssl.client.authentication";
  public static final String AUTHENTICATION_METHOD = "authentication.method";
  public static final String AUTHENTICATION_REALM = "authentication.realm";
  public static final String ROLES_ADMIN = "authentication.roles.admin";
  public static final String ROLES_WRITE = "authentication.roles.write";
  public static final String ROLES_READ = "authentication.roles.read";

  public static final List<Def> DEFINITIONS = List.of(
      new Def(LISTENERS, "http://0.0.0.0:8081", "Listeners, comma-separated URLs of scheme http or https (https needs ssl.keystore.location). The first one is the URL other nodes forward writes to."),
      new Def(HOST_NAME, "", "Host name other nodes use to reach this one (forwarded writes). Empty: the listener's host, or 127.0.0.1 if it is 0.0.0.0."),
      new Def(BOOTSTRAP, "127.0.0.1:9092", "Log-cluster brokers holding the schemas topic."),
      new Def(TOPIC, "_schemas", "Compacted topic (one partition) holding every change."),
      new Def(TOPIC_RF, "3", "Replication factor of the topic when the registry creates it, with min.insync.replicas = min(2, this); start-up waits for this many live brokers rather than create it with fewer. Set 1 for a single broker."),
      new Def(STORE_TIMEOUT_MS, "10000", "How long a write waits to be acknowledged and read back (then 50002)."),
      new Def(INIT_TIMEOUT_MS, "60000", "How long start-up waits for enough live brokers to create the topic, and to read the topic to its end."),
      new Def(ZK_CONNECT, "", "ZooKeeper for the primary election (Curator LeaderLatch). Empty: this node is the only one and always primary."),
      new Def(ZK_SESSION_TIMEOUT_MS, "10000", "ZooKeeper session timeout: how long a dead primary keeps the role."),
      new Def(ZK_NAMESPACE, "tributary_schema_registry", "ZooKeeper path prefix of the election; nodes of one cluster share it."),
      new Def(ZooKeeperAuth.SET_ACL, "false", ZooKeeperAuth.SET_ACL_DOC),
      new Def(ZooKeeperAuth.AUTH_DIGEST, "", ZooKeeperAuth.AUTH_DIGEST_DOC),
      new Def(LEADER_ELIGIBILITY, "true", "Whether this node may become primary."),
      new Def(COMPATIBILITY, "backward", "Default compatibility level when none is set with PUT /config."),
      new Def(MAX_REQUEST_BYTES, "1048576", "Largest request body accepted (413 above)."),
      new Def(HANDLER_THREADS, "16", "Threads handling requests."),
      new Def(MAX_QUEUED, "1024", "Requests queued beyond the busy threads before 503 is returned."),
      new Def(FORWARD_TIMEOUT_MS, "15000", "Timeout of a write forwarded to the primary."),
      new Def(METRICS_PORT, "-1", "Port of the HTTP listener serving /metrics (Prometheus text), /health/live and /health/ready on the listener's host; 0 picks a free port, -1 turns it off (docs/operations.md)."),
      new Def(SSL_KEYSTORE_TYPE, "JKS", "Key store of the https listeners: PKCS12, JKS or PEM (Kafka's store types)."),
      new Def(SSL_KEYSTORE_LOCATION, "", "Key store file (PEM: the PKCS#8 key and the certificate chain in one file)."),
      new Def(SSL_KEYSTORE_PASSWORD, "", "Key store password (not for PEM)."),
      new Def(SSL_KEY_PASSWORD, "", "Password of the key (PEM: of an encrypted key)."),
      new Def(SSL_TRUSTSTORE_TYPE, "JKS", "Trust store type: PKCS12, JKS or PEM. Used to check client certificates and the primary's certificate when forwarding writes."),
      new Def(SSL_TRUSTSTORE_LOCATION, "", "Trust store file. Empty: the JDK's default trust."),
      new Def(SSL_TRUSTSTORE_PASSWORD, "", "Trust store password (not for PEM)."),
      new Def(SSL_CLIENT_AUTHENTICATION, "NONE", "Client certificates on https listeners: NONE, REQUESTED or REQUIRED."),
      new Def(AUTHENTICATION_METHOD, "NONE", "NONE, or BASIC: HTTP basic authentication against the cluster's SCRAM credentials in ZooKeeper (/config/users, read through zookeeper.connect)."),
      new Def(AUTHENTICATION_REALM, "SchemaRegistry", "Realm named in the WWW-Authenticate header of a 401."),
      new Def(ROLES_ADMIN, "", "Users (comma-separated) that may do anything: deletes, config and mode changes, and what write allows."),
      new Def(ROLES_WRITE, "", "Users that may register schemas, and what read allows."),
      new Def(ROLES_READ, "", "Users that may read, look up schemas and check compatibility."));

  private final Map<String, String> values = new LinkedHashMap<>();

  public RegistryConfig(Map<?, ?> props) {
    for (Def d : DEFINITIONS) {
      values.put(d.key(), d.defaultValue());
    }
    for (Map.Entry<?, ?> e : props.entrySet()) {
      values.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()).trim());
    }
    CompatibilityLevel.parse(get(COMPATIBILITY));
    List<URI> listeners = listenerUris();
    zookeeperAuth();
    if (listeners.stream().anyMatch(u -> u.getScheme().equals("https")) && get(SSL_KEYSTORE_LOCATION).isEmpty()) {
      throw new IllegalArgumentException("Config " + LISTENERS + "=" + get(LISTENERS) + " has an https listener: set "
          + SSL_KEYSTORE_LOCATION + " (and " + SSL_KEYSTORE_TYPE + ", " + SSL_KEYSTORE_PASSWORD + ")");
    }
    if (basicAuthentication() && get(ZK_CONNECT).isEmpty()) {
      throw new IllegalArgumentException("Config " + AUTHENTICATION_METHOD + "=BASIC needs " + ZK_CONNECT
          + ": users and passwords are the cluster's SCRAM credentials in ZooKeeper (/config/users)");
    }
  }

  /** Whether {@code authentication.method=BASIC} (else NONE; anything else is refused). */
  public boolean basicAuthentication() {
    String m = get(AUTHENTICATION_METHOD).toUpperCase(java.util.Locale.ROOT);
    return switch (m) {
      case "NONE", "" -> false;
      case "BASIC" -> true;
      default -> throw new IllegalArgumentException("Config " + AUTHENTICATION_METHOD + "=" + get(AUTHENTICATION_METHOD)
          + " must be NONE or BASIC");
    };
  }

  /** The {@code ssl.*} settings (for {@link io.tributary.registry.security.RegistryTls}). */
  public Map<String, String> sslSettings() {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith("ssl.")) {
        out.put(k, v);
      }
    });
    return out;
  }

  public static RegistryConfig load(Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return new RegistryConfig(p);
  }

  public String get(String key) {
    return values.get(key);
  }

  public int getInt(String key) {
    try {
      return Integer.parseInt(get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Config " + key + "=" + get(key) + " is not an integer");
    }
  }

  public long getLong(String key) {
    try {
      return Long.parseLong(get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Config " + key + "=" + get(key) + " is not an integer");
    }
  }

  /** Keys passed through to the Kafka clients: {@code kafkastore.<client key>} that are not ours. */
  public Map<String, Object> kafkaOverrides() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (e.getKey().startsWith("kafkastore.") && DEFINITIONS.stream().noneMatch(d -> d.key().equals(e.getKey()))) {
        out.put(e.getKey().substring("kafkastore.".length()), e.getValue());
      }
    }
    return out;
  }

  /** The node's ZooKeeper login and znode ACLs, the brokers' keys ({@code zookeeper.set.acl}, {@code zookeeper.auth.digest}). */
  public ZooKeeperAuth zookeeperAuth() {
    return ZooKeeperAuth.of(get(ZooKeeperAuth.SET_ACL), get(ZooKeeperAuth.AUTH_DIGEST));
  }

  /** Every listener, in order; each {@code http://host:port} or {@code https://host:port}. */
  public List<URI> listenerUris() {
    List<URI> out = new java.util.ArrayList<>();
    for (String part : get(LISTENERS).split(",")) {
      String l = part.trim();
      if (l.isEmpty()) {
        continue;
      }
      URI u;
      try {
        u = URI.create(l);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Config listeners=" + l + " is not a URL like https://host:port");
      }
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new IllegalArgumentException("Config listeners=" + l + " must look like http://host:port or https://host:port");
      }
      out.add(u);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("Config listeners is empty: name at least one http:// or https:// URL");
    }
    return out;
  }

  /** The first listener: its host also serves metrics, and its scheme is the one other nodes forward with. */
  public URI listenerUri() {
    return listenerUris().get(0);
  }

  public int port() {
    return port(listenerUri());
  }

  /** A listener's port (80 or 443 when the URL has none). */
  public static int port(URI listener) {
    int p = listener.getPort();
    return p >= 0 ? p : listener.getScheme().equals("https") ? 443 : 80;
  }

  public CompatibilityLevel compatibility() {
    return CompatibilityLevel.parse(get(COMPATIBILITY));
  }

  /** The URL other nodes forward to, given the port actually bound. */
  public String advertisedUrl(int boundPort) {
    String host = get(HOST_NAME);
    if (host == null || host.isEmpty()) {
      host = listenerUri().getHost();
      if (host.equals("0.0.0.0")) {
        host = "127.0.0.1";
      }
    }
    return listenerUri().getScheme() + "://" + host + ":" + boundPort;
  }

  /** The reference table for the docs. */
  public static String markdownTable() {
    StringBuilder table = new StringBuilder(MarkdownTable.header("key", "default", "meaning"));
    for (Def d : DEFINITIONS) {
      table.append(MarkdownTable.row(
          MarkdownTable.code(d.key()), MarkdownTable.code(d.defaultValue()), MarkdownTable.escape(d.doc())));
    }
    return table.toString();
  }
}
