package io.tributary.log.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.utils.SecurityUtils;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACLs in ZooKeeper as Kafka's ZooKeeper authorizer keeps them: LITERAL patterns at
 * {@code /kafka-acl/<ResourceType>/<name>}, PREFIXED at {@code /kafka-acl-extended/prefixed/<ResourceType>/<name>},
 * each holding {@code {"version":1,"acls":[{"principal":"User:alice","permissionType":"Allow","operation":"Read","host":"*"}]}}.
 * Followed by watched caches: {@link #acls()} is an in-memory snapshot that every broker refreshes on change.
 */
public final class AclStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AclStore.class);
  public static final String LITERAL_ROOT = "/kafka-acl";
  public static final String PREFIXED_ROOT = "/kafka-acl-extended/prefixed";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int ACL_VERSION = 1;

  private final CuratorFramework zk;
  private final CuratorCache literal;
  private final CuratorCache prefixed;
  private volatile List<AclBinding> acls = List.of();

  public AclStore(CuratorFramework zk) {
    this.zk = zk;
    this.literal = CuratorCache.build(zk, LITERAL_ROOT);
    this.prefixed = CuratorCache.build(zk, PREFIXED_ROOT);
  }

  /** Starts following; returns once the ACLs are loaded. */
  public void start() throws Exception {
    zk.createContainers(LITERAL_ROOT);
    zk.createContainers(PREFIXED_ROOT);
    CountDownLatch loaded = new CountDownLatch(2);
    for (CuratorCache cache : List.of(literal, prefixed)) {
      cache.listenable().addListener(CuratorCacheListener.builder()
          .forAll((type, oldData, data) -> rebuild())
          .forInitialized(() -> {
            rebuild();
            loaded.countDown();
          }).build());
      cache.start();
    }
    if (!loaded.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("ACLs did not load from ZooKeeper within 60 s");
    }
  }

  /** The ACLs as this broker's watch last saw them: what authorization decides on, from memory. */
  public List<AclBinding> acls() {
    return acls;
  }

  /**
   * The ACLs read from ZooKeeper itself, for DescribeAcls and DeleteAcls: they see a change made a moment ago
   * (on any broker) even before the watch has delivered it.
   */
  public List<AclBinding> read() throws Exception {
    List<AclBinding> all = new ArrayList<>();
    readTree(LITERAL_ROOT, PatternType.LITERAL, all);
    readTree(PREFIXED_ROOT, PatternType.PREFIXED, all);
    return all;
  }

  private void readTree(String root, PatternType patternType, List<AclBinding> into) throws Exception {
    for (String type : zk.getChildren().forPath(root)) {
      List<String> names;
      try {
        names = zk.getChildren().forPath(root + "/" + type);
      } catch (KeeperException.NoNodeException gone) {
        continue;
      }
      for (String name : names) {
        String path = root + "/" + type + "/" + name;
        try {
          into.addAll(decode(new ChildData(path, null, zk.getData().forPath(path)), root, patternType));
        } catch (KeeperException.NoNodeException gone) {
          // deleted meanwhile
        }
      }
    }
  }

  private synchronized void rebuild() {
    List<AclBinding> all = new ArrayList<>();
    literal.stream().forEach(d -> all.addAll(decode(d, LITERAL_ROOT, PatternType.LITERAL)));
    prefixed.stream().forEach(d -> all.addAll(decode(d, PREFIXED_ROOT, PatternType.PREFIXED)));
    acls = List.copyOf(all);
  }

  /** The ACLs of one resource znode ({@code root/<ResourceType>/<name>}); none for the type znodes or garbage. */
  private static List<AclBinding> decode(ChildData data, String root, PatternType patternType) {
    String[] parts = data.getPath().substring(root.length()).split("/", 3);
    if (parts.length != 3 || data.getData() == null || data.getData().length == 0) {
      return List.of();
    }
    try {
      ResourcePattern pattern = new ResourcePattern(SecurityUtils.resourceType(parts[1]), parts[2], patternType);
      List<AclBinding> out = new ArrayList<>();
      for (JsonNode acl : MAPPER.readTree(data.getData()).path("acls")) {
        out.add(new AclBinding(pattern, entry(acl)));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      log.warn("ignoring unreadable ACL znode {}: {}", data.getPath(), e.getMessage());
      return List.of();
    }
  }

  private static AccessControlEntry entry(JsonNode acl) {
    return new AccessControlEntry(acl.path("principal").asText(), acl.path("host").asText("*"),
        SecurityUtils.operation(acl.path("operation").asText()), SecurityUtils.permissionType(acl.path("permissionType").asText()));
  }

  /** Adds {@code binding} (once: an ACL already there is not repeated). */
  public void add(AclBinding binding) throws Exception {
    update(binding.pattern(), entries -> entries.add(binding.entry()));
  }

  /** Removes every ACL of {@code pattern} that {@code remove} selects. */
  public void remove(ResourcePattern pattern, Predicate<AccessControlEntry> remove) throws Exception {
    update(pattern, entries -> entries.removeIf(remove));
  }

  private interface Change {
    void apply(Set<AccessControlEntry> entries);
  }

  /** Read-modify-write of one resource's znode, retried when another broker changed it meanwhile. */
  private void update(ResourcePattern pattern, Change change) throws Exception {
    String path = path(pattern);
    while (true) {
      Stat stat = new Stat();
      Set<AccessControlEntry> entries = new LinkedHashSet<>();
      boolean exists = true;
      try {
        for (JsonNode acl : MAPPER.readTree(zk.getData().storingStatIn(stat).forPath(path)).path("acls")) {
          entries.add(entry(acl));
        }
      } catch (KeeperException.NoNodeException e) {
        exists = false;
      }
      change.apply(entries);
      try {
        if (!exists) {
          if (entries.isEmpty()) {
            return;
          }
          zk.create().creatingParentsIfNeeded().forPath(path, json(entries));
        } else if (entries.isEmpty()) {
          zk.delete().withVersion(stat.getVersion()).forPath(path);
        } else {
          zk.setData().withVersion(stat.getVersion()).forPath(path, json(entries));
        }
        return;
      } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException | KeeperException.NoNodeException raced) {
        // changed meanwhile: read again
      }
    }
  }

  private static String path(ResourcePattern pattern) {
    String root = switch (pattern.patternType()) {
      case LITERAL -> LITERAL_ROOT;
      case PREFIXED -> PREFIXED_ROOT;
      default -> throw new IllegalArgumentException("ACLs are LITERAL or PREFIXED, not " + pattern.patternType());
    };
    return root + "/" + SecurityUtils.resourceTypeName(pattern.resourceType()) + "/" + pattern.name();
  }

  private static byte[] json(Set<AccessControlEntry> entries) throws IOException {
    ObjectNode n = MAPPER.createObjectNode().put("version", ACL_VERSION);
    ArrayNode array = n.putArray("acls");
    for (AccessControlEntry e : entries) {
      array.addObject().put("principal", e.principal()).put("permissionType", SecurityUtils.permissionTypeName(e.permissionType()))
          .put("operation", SecurityUtils.operationName(e.operation())).put("host", e.host());
    }
    return MAPPER.writeValueAsBytes(n);
  }

  @Override
  public void close() {
    literal.close();
    prefixed.close();
  }
}
