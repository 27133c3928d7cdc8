package io.tributary.registry.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramCredentialUtils;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's SCRAM credentials where the brokers keep them, {@code /config/users/NAME}
 * ({@code {"version":1,"config":{"SCRAM-SHA-512":"salt=...,stored_key=...,server_key=...,iterations=..."}}}),
 * followed through a watched cache: a user added with AlterUserScramCredentials can use the registry a
 * moment later, and a lookup reads memory only. Read-only: the registry never writes credentials. The path is
 * relative to the brokers' ZooKeeper namespace: the chroot of {@code zookeeper.connect}, else {@code tributary}.
 */
public final class ZooKeeperScramCredentials implements ScramCredentialSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperScramCredentials.class);
  public static final String USERS = "/config/users";
  /** How long start-up waits for the initial credentials. */
  static final long LOAD_TIMEOUT_MS = 60_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The brokers' namespace when {@code zookeeper.connect} has no chroot (as the log cluster's ZkPaths). */
  public static final String DEFAULT_CLUSTER_NAMESPACE = "tributary";

  private final CuratorCache cache;

  /** Splits {@code host:port,host:port/chroot} into the servers and the brokers' namespace, as the brokers do. */
  public static String[] serversAndNamespace(String connect) {
    int slash = connect.indexOf('/');
    if (slash < 0) {
      return new String[] {connect, DEFAULT_CLUSTER_NAMESPACE};
    }
    String chroot = connect.substring(slash + 1).replaceAll("/+$", "");
    return new String[] {connect.substring(0, slash), chroot.isEmpty() ? DEFAULT_CLUSTER_NAMESPACE : chroot};
  }

  public ZooKeeperScramCredentials(CuratorFramework zk) {
    this.cache = CuratorCache.build(zk, USERS);
  }

  /** Starts following; returns once the current credentials are loaded. */
  public ZooKeeperScramCredentials start() throws InterruptedException {
    CountDownLatch loaded = new CountDownLatch(1);
    cache.listenable().addListener(CuratorCacheListener.builder().forInitialized(loaded::countDown).build());
    cache.start();
    if (!loaded.await(LOAD_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("SCRAM credentials (" + USERS + ") did not load from ZooKeeper within "
          + LOAD_TIMEOUT_MS + " ms");
    }
    return this;
  }

  @Override
  public ScramCredential credential(String user, ScramMechanism mechanism) {
    if (user.contains("/")) {
      return null;
    }
    return cache.get(USERS + "/" + user).map(data -> {
      try {
        byte[] bytes = data.getData();
        if (bytes == null || bytes.length == 0) {
          return null;
        }
        JsonNode text = JSON.readTree(bytes).path("config").get(mechanism.mechanismName());
        return text == null ? null : ScramCredentialUtils.credentialFromString(text.asText());
      } catch (IOException | RuntimeException e) {
        LOG.warn("ignoring unreadable SCRAM credentials of user {}: {}", user, e.getMessage());
        return null;
      }
    }).orElse(null);
  }

  @Override
  public void close() {
    cache.close();
  }
}
