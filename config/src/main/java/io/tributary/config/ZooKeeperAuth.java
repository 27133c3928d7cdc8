package io.tributary.config;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * How a ZooKeeper client of the cluster (broker, registry node, connect worker) logs in and protects the znodes
 * it creates. Kafka's {@code zookeeper.set.acl=true} makes every znode writable only by the cluster's identity
 * and readable by anyone, except the sensitive ones (SCRAM credentials, ACLs), which only the cluster may read.
 * The identity is a ZooKeeper {@code digest} login, {@code zookeeper.auth.digest=USER:PASSWORD} (what
 * {@code zkCli addauth digest USER:PASSWORD} sends): it needs no JAAS file and no server configuration, and
 * every process of one cluster uses the same one so that each may change what another created.
 */
public record ZooKeeperAuth(boolean setAcl, String digestUser, String digestPassword) {
  public static final String SET_ACL = "zookeeper.set.acl";
  public static final String AUTH_DIGEST = "zookeeper.auth.digest";
  public static final String SET_ACL_DOC = "Create znodes writable only by this cluster's ZooKeeper identity"
      + " (zookeeper.auth.digest) and readable by anyone, except SCRAM credentials and ACLs, readable by it only"
      + " (as Kafka's zookeeper.set.acl).";
  public static final String AUTH_DIGEST_DOC = "USER:PASSWORD of the ZooKeeper digest login of this cluster's"
      + " processes (all of them use the same one); empty: no login.";

  /** Znodes an unauthenticated client may not even read: Kafka's sensitive paths, and ACLs. */
  public static final List<String> SENSITIVE_ROOTS = List.of(
      "/config/users", "/kafka-acl", "/kafka-acl-extended", "/kafka-acl-changes", "/kafka-acl-extended-changes",
      "/delegation_token");

  /** An open cluster: no login, world-writable znodes (ZooKeeper's default). */
  public static final ZooKeeperAuth NONE = new ZooKeeperAuth(false, null, null);

  public ZooKeeperAuth {
    if (setAcl && digestUser == null) {
      throw new IllegalArgumentException(SET_ACL + "=true needs " + AUTH_DIGEST + "=USER:PASSWORD: the znodes"
          + " would belong to nobody");
    }
  }

  /** From the two keys of a properties map; absent keys mean {@link #NONE}. Bad values are named. */
  public static ZooKeeperAuth from(Map<?, ?> props) {
    Object setAcl = props.get(SET_ACL);
    Object digest = props.get(AUTH_DIGEST);
    return of(setAcl == null ? "false" : setAcl.toString(), digest == null ? "" : digest.toString());
  }

  /** Parses {@code zookeeper.set.acl} and {@code zookeeper.auth.digest}. */
  public static ZooKeeperAuth of(String setAcl, String digest) {
    String acl = setAcl.trim().toLowerCase();
    if (!acl.equals("true") && !acl.equals("false")) {
      throw new IllegalArgumentException(SET_ACL + " must be true or false, got '" + setAcl + "'");
    }
    String d = digest.trim();
    if (d.isEmpty()) {
      return new ZooKeeperAuth(acl.equals("true"), null, null);
    }
    int colon = d.indexOf(':');
    if (colon <= 0 || colon == d.length() - 1) {
      throw new IllegalArgumentException(AUTH_DIGEST + " must be USER:PASSWORD with both non-empty");
    }
    return new ZooKeeperAuth(acl.equals("true"), d.substring(0, colon), d.substring(colon + 1));
  }

  public boolean logsIn() {
    return digestUser != null;
  }

  /** The {@code digest:USER:BASE64(SHA1(USER:PASSWORD))} id the server gives this login. */
  public Id id() {
    try {
      return new Id("digest", DigestAuthenticationProvider.generateDigest(digestUser + ":" + digestPassword));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA1 is missing from this JVM", e);
    }
  }

  /**
   * The ACL of a znode at {@code path} (relative to the client's chroot): the cluster may do anything; anyone
   * may read it unless it is sensitive. Without {@code zookeeper.set.acl}: open.
   */
  public List<ACL> aclFor(String path) {
    if (!setAcl) {
      return ZooDefs.Ids.OPEN_ACL_UNSAFE;
    }
    List<ACL> acl = new ArrayList<>();
    acl.add(new ACL(ZooDefs.Perms.ALL, id()));
    if (!sensitive(path)) {
      acl.add(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    }
    return acl;
  }

  /** True for a sensitive root and everything under it. */
  public static boolean sensitive(String path) {
    for (String root : SENSITIVE_ROOTS) {
      if (path.equals(root) || path.startsWith(root + "/")) {
        return true;
      }
    }
    return false;
  }

  /** Adds the login and the ACL provider to a Curator builder whose paths are under {@code namespace} (or null). */
  public CuratorFrameworkFactory.Builder applyTo(CuratorFrameworkFactory.Builder builder, String namespace) {
    if (logsIn()) {
      builder.authorization("digest", (digestUser + ":" + digestPassword).getBytes(StandardCharsets.UTF_8));
    }
    if (setAcl) {
      String prefix = namespace == null || namespace.isEmpty() ? "" : "/" + namespace;
      builder.aclProvider(new ACLProvider() {
        @Override
        public List<ACL> getDefaultAcl() {
          return aclFor("/");
        }

        @Override
        public List<ACL> getAclForPath(String path) {
          // Curator may pass the path with its namespace in front: the decision is on the cluster's own path.
          String own = !prefix.isEmpty() && (path.equals(prefix) || path.startsWith(prefix + "/"))
              ? path.substring(prefix.length()) : path;
          return aclFor(own.isEmpty() ? "/" : own);
        }
      });
    }
    return builder;
  }

  /**
   * With {@code zookeeper.set.acl}: gives the client's root (the chroot, or ZooKeeper's {@code /}) this cluster's
   * ACL if anyone may still change it, so that nobody else can create or delete the cluster's top-level znodes.
   * Returns true if it changed the ACL.
   */
  public boolean protectRoot(CuratorFramework zk) throws Exception {
    if (!setAcl) {
      return false;
    }
    List<ACL> current = zk.getACL().forPath("/");
    List<ACL> wanted = aclFor("/");
    if (current.equals(wanted)) {
      return false;
    }
    zk.setACL().withACL(wanted).forPath("/");
    return true;
  }

  @Override
  public String toString() {
    // never the password
    return "ZooKeeperAuth[setAcl=" + setAcl + ", user=" + digestUser + "]";
  }
}
