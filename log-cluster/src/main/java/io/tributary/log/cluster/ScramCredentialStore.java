package io.tributary.log.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramCredentialUtils;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SCRAM credentials in ZooKeeper where Kafka keeps them: {@code /config/users/NAME} holding
 * {@code {"version":1,"config":{"SCRAM-SHA-512":"salt=...,stored_key=...,server_key=...,iterations=4096"}}}
 * (kafka-clients' {@link ScramCredentialUtils} format). Only salted, iterated keys are stored, never a
 * password. Followed by a watched cache, so that an authentication reads memory only and a user added on
 * one broker can log in on every broker a moment later.
 */
public final class ScramCredentialStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScramCredentialStore.class);
  public static final String USERS = "/config/users";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int CONFIG_VERSION = 1;

  private final CuratorFramework zk;
  private final CuratorCache cache;

  public ScramCredentialStore(CuratorFramework zk) {
    this.zk = zk;
    this.cache = CuratorCache.build(zk, USERS);
  }

  /** Starts following; returns once the initial contents are loaded. */
  public void start() throws Exception {
    zk.createContainers(USERS);
    CountDownLatch loaded = new CountDownLatch(1);
    cache.listenable().addListener(CuratorCacheListener.builder().forInitialized(loaded::countDown).build());
    cache.start();
    if (!loaded.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("SCRAM credentials did not load from ZooKeeper within 60 s");
    }
  }

  /** The credential of {@code user} for {@code mechanism}, or null if there is none (or it is unreadable). */
  public ScramCredential credential(String user, ScramMechanism mechanism) {
    return cache.get(path(user)).map(data -> {
      try {
        String text = mechanisms(data.getData()).get(mechanism.mechanismName());
        return text == null ? null : ScramCredentialUtils.credentialFromString(text);
      } catch (RuntimeException | IOException e) {
        log.warn("ignoring unreadable SCRAM credentials of user {}: {}", user, e.getMessage());
        return null;
      }
    }).orElse(null);
  }

  /**
   * Every user with credentials: user to mechanism to iterations. Read from ZooKeeper itself (not the cache),
   * so that a describe right after an alter sees it, as with Kafka.
   */
  public Map<String, Map<ScramMechanism, Integer>> describe() throws Exception {
    Map<String, Map<ScramMechanism, Integer>> out = new TreeMap<>();
    for (String user : zk.getChildren().forPath(USERS)) {
      try {
        Map<ScramMechanism, Integer> found = describe(user, zk.getData().forPath(path(user)));
        if (!found.isEmpty()) {
          out.put(user, found);
        }
      } catch (KeeperException.NoNodeException deleted) {
        // deleted meanwhile
      }
    }
    return out;
  }

  private static Map<ScramMechanism, Integer> describe(String user, byte[] data) {
    Map<ScramMechanism, Integer> found = new TreeMap<>();
    try {
      mechanisms(data).forEach((name, text) -> {
        ScramMechanism mechanism = ScramMechanism.forMechanismName(name);
        if (mechanism != null) {
          found.put(mechanism, ScramCredentialUtils.credentialFromString(text).iterations());
        }
      });
    } catch (RuntimeException | IOException e) {
      log.warn("ignoring unreadable SCRAM credentials of user {}: {}", user, e.getMessage());
    }
    return found;
  }

  /** Sets (or with {@code credential} null, deletes) one mechanism's credential of {@code user}. */
  public void alter(String user, ScramMechanism mechanism, ScramCredential credential) throws Exception {
    String path = path(user);
    while (true) {
      Stat stat = new Stat();
      Map<String, String> config;
      try {
        config = mechanisms(zk.getData().storingStatIn(stat).forPath(path));
      } catch (KeeperException.NoNodeException e) {
        if (credential == null) {
          return;
        }
        try {
          zk.create().creatingParentsIfNeeded().forPath(path, json(Map.of(mechanism.mechanismName(), ScramCredentialUtils.credentialToString(credential))));
          return;
        } catch (KeeperException.NodeExistsException raced) {
          continue;
        }
      }
      if (credential == null) {
        config.remove(mechanism.mechanismName());
      } else {
        config.put(mechanism.mechanismName(), ScramCredentialUtils.credentialToString(credential));
      }
      try {
        zk.setData().withVersion(stat.getVersion()).forPath(path, json(config));
        return;
      } catch (KeeperException.BadVersionException raced) {
        // changed meanwhile: read again
      }
    }
  }

  private static String path(String user) {
    return USERS + "/" + user;
  }

  /** The znode's config entries (other user configs, such as quotas, are kept as they are). */
  private static Map<String, String> mechanisms(byte[] data) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (data == null || data.length == 0) {
      return out;
    }
    JsonNode config = MAPPER.readTree(data).path("config");
    config.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static byte[] json(Map<String, String> config) throws IOException {
    ObjectNode n = MAPPER.createObjectNode().put("version", CONFIG_VERSION);
    ObjectNode c = n.putObject("config");
    config.forEach(c::put);
    return MAPPER.writeValueAsBytes(n);
  }

  @Override
  public void close() {
    cache.close();
  }
}
