package io.tributary.log.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes of cluster metadata to ZooKeeper. Multi-znode changes go in one transaction, and partition
 * state changes are compare-and-set on the znode version, so concurrent writers cannot lose updates.
 */
public final class ClusterStore {
  private static final Logger log = LoggerFactory.getLogger(ClusterStore.class);
  /** How many session timeouts a registration of another session may take to expire before it counts as live. */
  static final int STALE_REGISTRATION_WAIT_SESSIONS = 2;
  private static final long REGISTRATION_POLL_MS = 200;
  /**
   * The most bytes one topic creation or partition addition may write to ZooKeeper in its one transaction: half of
   * ZooKeeper's default {@code jute.maxbuffer} (1 MiB). A larger multi-op is dropped by the server with the client's
   * connection (ConnectionLoss for every request in flight, found by the fuzzer with a CreatePartitions of thousands).
   */
  static final long MAX_TRANSACTION_BYTES = 512 * 1024;
  /** ZooKeeper's per-operation overhead in a multi-op (header, ACL, flags), rounded up. */
  private static final int OPERATION_OVERHEAD_BYTES = 64;

  private final CuratorFramework zk;
  /** The ZooKeeper session of this process's broker registration (0 before the first). */
  private volatile long registeredSession;

  public ClusterStore(CuratorFramework zk) {
    this.zk = zk;
  }

  public CuratorFramework curator() {
    return zk;
  }

  /** Creates the persistent top-level paths if missing. */
  public void ensureLayout() throws Exception {
    for (String path : List.of(ZkPaths.BROKER_IDS, ZkPaths.TOPICS, ZkPaths.TOPIC_CONFIGS)) {
      try {
        zk.create().creatingParentsIfNeeded().forPath(path);
      } catch (KeeperException.NodeExistsException e) {
        // already there
      }
    }
  }

  /**
   * Creates a topic, its config overrides and every partition's initial state in one transaction.
   *
   * @throws TopicExistsException if a topic of that name exists
   */
  public void createTopic(String name, Uuid id, SortedMap<Integer, List<Integer>> replicas,
      Map<String, String> configs, Map<Integer, PartitionState> initialStates) throws Exception {
    List<CuratorOp> ops = new ArrayList<>();
    byte[] topicData = ZkJson.topic(id, replicas);
    ops.add(zk.transactionOp().create().forPath(ZkPaths.topic(name), topicData));
    ops.add(zk.transactionOp().create().forPath(ZkPaths.partitions(name)));
    long bytes = opBytes(ZkPaths.topic(name), topicData) + opBytes(ZkPaths.partitions(name), null)
        + opBytes(ZkPaths.topicConfig(name), ZkJson.configs(configs));
    for (Map.Entry<Integer, PartitionState> e : initialStates.entrySet()) {
      TopicPartition tp = new TopicPartition(name, e.getKey());
      byte[] state = ZkJson.partitionState(e.getValue());
      ops.add(zk.transactionOp().create().forPath(ZkPaths.partitions(name) + "/" + e.getKey()));
      ops.add(zk.transactionOp().create().forPath(ZkPaths.partitionState(tp), state));
      bytes += opBytes(ZkPaths.partitions(name) + "/" + e.getKey(), null) + opBytes(ZkPaths.partitionState(tp), state);
    }
    checkTransactionBytes(name, initialStates.size(), bytes);
    if (zk.checkExists().forPath(ZkPaths.topic(name)) != null) {
      throw new TopicExistsException("topic '" + name + "' already exists");
    }
    Stat leftover = zk.checkExists().forPath(ZkPaths.topicConfig(name));
    if (leftover != null) {
      // A config left by a deletion that crashed half way (no topic znode): the new topic starts clean. Deleted in
      // the transaction, so that a concurrent creation of the same topic that won keeps its config (two Connect
      // workers create their internal topics at once; a separate delete wiped the winner's cleanup.policy).
      ops.add(0, zk.transactionOp().delete().withVersion(leftover.getVersion()).forPath(ZkPaths.topicConfig(name)));
    }
    ops.add(zk.transactionOp().create().forPath(ZkPaths.topicConfig(name), ZkJson.configs(configs)));
    try {
      zk.transaction().forOperations(ops);
    } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException
        | KeeperException.NoNodeException e) {
      throw new TopicExistsException("topic '" + name + "' already exists");
    }
  }

  private static long opBytes(String path, byte[] data) {
    return OPERATION_OVERHEAD_BYTES + path.length() + (data == null ? 0 : data.length);
  }

  private static void checkTransactionBytes(String topic, int partitions, long bytes) {
    if (bytes > MAX_TRANSACTION_BYTES) {
      long perPartition = Math.max(1, bytes / Math.max(1, partitions));
      throw new InvalidPartitionsException(partitions + " new partitions of topic '" + topic + "' would write about "
          + bytes + " bytes to ZooKeeper in one transaction, more than the " + MAX_TRANSACTION_BYTES + " one may take:"
          + " create at most about " + MAX_TRANSACTION_BYTES / perPartition + " at once (CreatePartitions adds more)");
    }
  }

  /**
   * Adds partitions to a topic: its assignment znode, rewritten with a check of the version read, and the
   * new partitions' initial states, in one transaction (Kafka's {@code AdminZkClient.addPartitions}).
   *
   * @param expectedPartitions how many partitions the caller decided from; a concurrent change refuses the write
   * @param added the new partitions' replicas, numbered from {@code expectedPartitions} on
   * @throws UnknownTopicOrPartitionException if the topic does not exist
   * @throws InvalidPartitionsException if the topic's partitions changed since the caller read them
   */
  public void addPartitions(String name, int expectedPartitions, SortedMap<Integer, List<Integer>> added,
      Map<Integer, PartitionState> initialStates) throws Exception {
    Stat stat = new Stat();
    byte[] data;
    try {
      data = zk.getData().storingStatIn(stat).forPath(ZkPaths.topic(name));
    } catch (KeeperException.NoNodeException e) {
      throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
    }
    TopicInfo current = ZkJson.topic(name, data, Map.of());
    if (current.partitionCount() != expectedPartitions) {
      throw new InvalidPartitionsException("topic '" + name + "' has " + current.partitionCount()
          + " partitions now, not the " + expectedPartitions + " the request was checked against");
    }
    SortedMap<Integer, List<Integer>> replicas = new TreeMap<>(current.replicas());
    replicas.putAll(added);
    List<CuratorOp> ops = new ArrayList<>();
    byte[] topicData = ZkJson.topic(current.id(), replicas, current.reassignments());
    ops.add(zk.transactionOp().setData().withVersion(stat.getVersion()).forPath(ZkPaths.topic(name), topicData));
    long bytes = opBytes(ZkPaths.topic(name), topicData);
    for (Map.Entry<Integer, PartitionState> e : initialStates.entrySet()) {
      TopicPartition tp = new TopicPartition(name, e.getKey());
      byte[] state = ZkJson.partitionState(e.getValue());
      ops.add(zk.transactionOp().create().forPath(ZkPaths.partitions(name) + "/" + e.getKey()));
      ops.add(zk.transactionOp().create().forPath(ZkPaths.partitionState(tp), state));
      bytes += opBytes(ZkPaths.partitions(name) + "/" + e.getKey(), null) + opBytes(ZkPaths.partitionState(tp), state);
    }
    checkTransactionBytes(name, initialStates.size(), bytes);
    try {
      zk.transaction().forOperations(ops);
    } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
      throw new InvalidPartitionsException("the partitions of topic '" + name + "' changed concurrently; retry");
    }
  }

  /**
   * Deletes a topic: first its deletion mark naming the topic id (what makes brokers delete their local
   * partitions, see {@link ZkPaths}), then its znodes.
   */
  public void deleteTopic(String name) throws Exception {
    byte[] topic;
    try {
      topic = zk.getData().forPath(ZkPaths.topic(name));
    } catch (KeeperException.NoNodeException e) {
      throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
    }
    // Throws when the znode is damaged: without the id, the mark could delete the logs of the wrong topic.
    TopicInfo deleted = ZkJson.topic(name, topic, Map.of());
    byte[] mark = ZkJson.deletedTopic(deleted.id());
    try {
      zk.setData().forPath(ZkPaths.deletedTopic(name), mark);
    } catch (KeeperException.NoNodeException e) {
      zk.create().creatingParentsIfNeeded().forPath(ZkPaths.deletedTopic(name), mark);
    }
    try {
      zk.delete().deletingChildrenIfNeeded().forPath(ZkPaths.topic(name));
    } catch (KeeperException.NoNodeException e) {
      throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
    }
    try {
      zk.delete().forPath(ZkPaths.topicConfig(name));
    } catch (KeeperException.NoNodeException e) {
      // fine
    }
  }

  /** A broker's dynamic configs (empty when none were set). */
  public Map<String, String> readBrokerConfigs(int brokerId) throws Exception {
    try {
      return ZkJson.configs(zk.getData().forPath(ZkPaths.brokerConfig(brokerId)));
    } catch (KeeperException.NoNodeException e) {
      return Map.of();
    }
  }

  /** Replaces a broker's dynamic configs. */
  public void setBrokerConfigs(int brokerId, Map<String, String> configs) throws Exception {
    try {
      zk.setData().forPath(ZkPaths.brokerConfig(brokerId), ZkJson.configs(configs));
    } catch (KeeperException.NoNodeException e) {
      zk.create().creatingParentsIfNeeded().forPath(ZkPaths.brokerConfig(brokerId), ZkJson.configs(configs));
    }
  }

  /**
   * A topic's config overrides as ZooKeeper holds them now (not as a broker's metadata cache last saw them), so that
   * a describe after an acknowledged alter sees the alter whichever broker answers it, as ZooKeeper-mode Kafka does.
   *
   * @throws UnknownTopicOrPartitionException if the topic does not exist
   * @throws IllegalArgumentException naming the znode if its content is not a JSON object of strings
   */
  public Map<String, String> readTopicConfigs(String name) throws Exception {
    if (zk.checkExists().forPath(ZkPaths.topic(name)) == null) {
      throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
    }
    try {
      return parseTopicConfigs(name, zk.getData().forPath(ZkPaths.topicConfig(name)));
    } catch (KeeperException.NoNodeException e) {
      return Map.of();
    }
  }

  /**
   * Changes a topic's config overrides by compare-and-set on the config znode's version: {@code change} is applied to
   * the overrides read from ZooKeeper and re-applied if another writer got in between, so that two concurrent alters
   * of different keys (an operator's and kafka-reassign-partitions' throttle cleanup) cannot undo each other.
   *
   * @return the overrides written
   */
  public Map<String, String> alterTopicConfigs(String name, UnaryOperator<Map<String, String>> change) throws Exception {
    String path = ZkPaths.topicConfig(name);
    while (true) {
      if (zk.checkExists().forPath(ZkPaths.topic(name)) == null) {
        throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
      }
      Stat stat = new Stat();
      Map<String, String> current;
      try {
        current = parseTopicConfigs(name, zk.getData().storingStatIn(stat).forPath(path));
      } catch (KeeperException.NoNodeException e) {
        Map<String, String> next = change.apply(Map.of());
        try {
          zk.create().creatingParentsIfNeeded().forPath(path, ZkJson.configs(next));
          return next;
        } catch (KeeperException.NodeExistsException raced) {
          continue;
        }
      }
      Map<String, String> next = change.apply(current);
      try {
        zk.setData().withVersion(stat.getVersion()).forPath(path, ZkJson.configs(next));
        return next;
      } catch (KeeperException.BadVersionException | KeeperException.NoNodeException raced) {
        // changed or deleted since read: read again and re-apply
      }
    }
  }

  private static Map<String, String> parseTopicConfigs(String name, byte[] data) {
    try {
      return ZkJson.configs(data);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("config znode " + ZkPaths.topicConfig(name) + " of topic '" + name
          + "' is not a JSON object of strings: " + e.getMessage(), e);
    }
  }

  /**
   * Compare-and-set of a partition's state.
   *
   * @return the new state with its new znode version, or null if the znode changed since
   *     {@code expected} was read (the caller re-reads and decides again)
   */
  public PartitionState updatePartitionState(TopicPartition tp, PartitionState expected, PartitionState next) throws Exception {
    try {
      Stat stat = zk.setData().withVersion(expected.zkVersion()).forPath(ZkPaths.partitionState(tp), ZkJson.partitionState(next));
      return next.withZkVersion(stat.getVersion());
    } catch (KeeperException.BadVersionException e) {
      return null;
    }
  }

  /**
   * A controller's compare-and-set of a partition's state, refused when the controller epoch znode
   * moved on (a newer controller exists) or the partition state changed since {@code expected}.
   *
   * @return the written state with its new version, or null when refused
   */
  public PartitionState updatePartitionStateAsController(TopicPartition tp, PartitionState expected, PartitionState next,
      int controllerEpochZkVersion) throws Exception {
    try {
      var results = zk.transaction().forOperations(
          zk.transactionOp().check().withVersion(controllerEpochZkVersion).forPath(ZkPaths.CONTROLLER_EPOCH),
          zk.transactionOp().setData().withVersion(expected.zkVersion()).forPath(ZkPaths.partitionState(tp), ZkJson.partitionState(next)));
      return next.withZkVersion(results.get(1).getResultStat().getVersion());
    } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      return null;
    }
  }

  /**
   * Starts, replaces or cancels the reassignment of one partition: a compare-and-set of the topic znode as read
   * from ZooKeeper (not a cache), retried when another write got there first.
   *
   * @param change the new assignment from the current replicas and reassignment (null when none); may throw
   *     Kafka's errors (they reach the caller unchanged)
   * @return the assignment written
   * @throws UnknownTopicOrPartitionException if the topic or partition does not exist
   */
  public PartitionReassignment.Assignment alterReassignment(TopicPartition tp,
      BiFunction<List<Integer>, PartitionReassignment, PartitionReassignment.Assignment> change) throws Exception {
    while (true) {
      Stat stat = new Stat();
      TopicInfo topic;
      try {
        topic = ZkJson.topic(tp.topic(), zk.getData().storingStatIn(stat).forPath(ZkPaths.topic(tp.topic())), Map.of());
      } catch (KeeperException.NoNodeException e) {
        throw new UnknownTopicOrPartitionException("topic '" + tp.topic() + "' does not exist");
      }
      List<Integer> replicas = topic.replicas().get(tp.partition());
      if (replicas == null) {
        throw new UnknownTopicOrPartitionException("partition " + tp + " does not exist");
      }
      PartitionReassignment.Assignment next = change.apply(replicas, topic.reassignment(tp.partition()));
      TopicInfo updated = topic.withAssignment(tp.partition(), next);
      try {
        zk.setData().withVersion(stat.getVersion())
            .forPath(ZkPaths.topic(tp.topic()), ZkJson.topic(updated.id(), updated.replicas(), updated.reassignments()));
        return next;
      } catch (KeeperException.BadVersionException e) {
        // another reassignment or CreatePartitions wrote the topic meanwhile: decide again on what is there now
      }
    }
  }

  /**
   * The controller's switch of a reassigned partition to its target: the partition state and the topic znode in
   * one transaction, refused when a newer controller exists or either znode changed since it was read.
   *
   * @param expectedReplicas the full replica set the decision was made on
   * @return whether it was written
   */
  public boolean completeReassignment(TopicPartition tp, List<Integer> expectedReplicas, PartitionState expected,
      ReassignmentStep.Completion completion, int controllerEpochZkVersion) throws Exception {
    Stat stat = new Stat();
    TopicInfo topic;
    try {
      topic = ZkJson.topic(tp.topic(), zk.getData().storingStatIn(stat).forPath(ZkPaths.topic(tp.topic())), Map.of());
    } catch (KeeperException.NoNodeException e) {
      return false;
    }
    if (!expectedReplicas.equals(topic.replicas().get(tp.partition())) || topic.reassignment(tp.partition()) == null) {
      return false;
    }
    TopicInfo updated = topic.withAssignment(tp.partition(), new PartitionReassignment.Assignment(completion.replicas(), null));
    try {
      zk.transaction().forOperations(
          zk.transactionOp().check().withVersion(controllerEpochZkVersion).forPath(ZkPaths.CONTROLLER_EPOCH),
          zk.transactionOp().setData().withVersion(expected.zkVersion()).forPath(ZkPaths.partitionState(tp),
              ZkJson.partitionState(completion.state())),
          zk.transactionOp().setData().withVersion(stat.getVersion()).forPath(ZkPaths.topic(tp.topic()),
              ZkJson.topic(updated.id(), updated.replicas(), updated.reassignments())));
      return true;
    } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      return false;
    }
  }

  /**
   * Makes this broker the controller of a new epoch: increments {@code /controller_epoch} by
   * compare-and-set. Returns {epoch, znode version}; writes of older epochs are refused from now on.
   */
  public int[] bumpControllerEpoch(int brokerId) throws Exception {
    while (true) {
      Stat stat = new Stat();
      int epoch;
      try {
        byte[] data = zk.getData().storingStatIn(stat).forPath(ZkPaths.CONTROLLER_EPOCH);
        epoch = ZkJson.controllerEpoch(data)[0];
      } catch (IllegalArgumentException e) {
        // Overwriting it could reuse an epoch a controller already fenced writes with: refuse until repaired.
        throw new IllegalStateException("znode " + ZkPaths.CONTROLLER_EPOCH + " is not valid (" + e.getMessage()
            + "): no controller epoch can start until it is repaired", e);
      } catch (KeeperException.NoNodeException e) {
        try {
          Stat created = new Stat();
          zk.create().creatingParentsIfNeeded().storingStatIn(created).forPath(ZkPaths.CONTROLLER_EPOCH, ZkJson.controllerEpoch(1, brokerId));
          return new int[] {1, created.getVersion()};
        } catch (KeeperException.NodeExistsException race) {
          continue;
        }
      }
      try {
        Stat written = zk.setData().withVersion(stat.getVersion()).forPath(ZkPaths.CONTROLLER_EPOCH, ZkJson.controllerEpoch(epoch + 1, brokerId));
        return new int[] {epoch + 1, written.getVersion()};
      } catch (KeeperException.BadVersionException e) {
        // another controller got there first: read again
      }
    }
  }

  /**
   * The states of {@code tps} as ZooKeeper has them now, over {@code cached}: read after ZooKeeper's sync
   * (which brings the server this client reads from up to date with the ensemble's leader). A partition
   * whose state znode is gone is left out; one whose znode does not decode keeps its cached state.
   *
   * @throws TimeoutException when the sync does not complete within {@code syncTimeoutMs}
   */
  public Map<TopicPartition, PartitionState> readPartitionStatesAfterSync(Collection<TopicPartition> tps,
      Map<TopicPartition, PartitionState> cached, long syncTimeoutMs) throws Exception {
    CountDownLatch synced = new CountDownLatch(1);
    zk.sync().inBackground((client, event) -> synced.countDown()).forPath("/");
    if (!synced.await(syncTimeoutMs, TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("ZooKeeper's sync did not complete within " + syncTimeoutMs + " ms");
    }
    Map<TopicPartition, PartitionState> states = new HashMap<>(cached);
    for (TopicPartition tp : tps) {
      String path = ZkPaths.partitionState(tp);
      try {
        Stat stat = new Stat();
        byte[] data = zk.getData().storingStatIn(stat).forPath(path);
        PartitionState state = LastGoodZnode.decodeOrKeep(path, data, bytes -> ZkJson.partitionState(bytes, stat.getVersion()),
            cached.get(tp));
        if (state != null) {
          states.put(tp, state);
        }
      } catch (KeeperException.NoNodeException gone) {
        states.remove(tp);
      }
    }
    return states;
  }

  /** Reads a partition state straight from ZooKeeper (not the cache). */
  public PartitionState readPartitionState(TopicPartition tp) throws Exception {
    Stat stat = new Stat();
    byte[] data = zk.getData().storingStatIn(stat).forPath(ZkPaths.partitionState(tp));
    return ZkJson.partitionState(data, stat.getVersion());
  }

  /**
   * Registers a broker: an ephemeral znode tied to this ZooKeeper session. A registration of the id by
   * another live session is never deleted (see {@link #awaitBrokerIdFree}).
   *
   * @throws DuplicateBrokerIdException when another live broker holds the id
   */
  public void registerBroker(BrokerInfo broker) throws Exception {
    String path = ZkPaths.broker(broker.id());
    long session = currentSession();
    Stat stat = zk.checkExists().forPath(path);
    if (stat != null && stat.getEphemeralOwner() == session) {
      zk.setData().forPath(path, ZkJson.broker(broker));
      return;
    }
    if (stat != null && stat.getEphemeralOwner() == registeredSession) {
      // This process's own registration from a session that ended: ZooKeeper is about to drop it anyway.
      try {
        zk.delete().withVersion(stat.getVersion()).forPath(path);
      } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
        // expired or re-registered meanwhile: the create below decides
      }
    } else if (stat != null) {
      awaitBrokerIdFree(broker.id());
    }
    try {
      zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, ZkJson.broker(broker));
    } catch (KeeperException.NodeExistsException e) {
      throw duplicate(broker.id(), zk.checkExists().forPath(path));
    }
    registeredSession = session;
  }

  /**
   * Deletes this session's registration of broker {@code id} (a controlled shutdown: the controller moves
   * leadership off the broker as for a dead one while it still serves). Another session's is left alone.
   *
   * @return whether this session's registration was there and is now gone
   */
  public boolean deregisterBroker(int id) throws Exception {
    String path = ZkPaths.broker(id);
    Stat stat = zk.checkExists().forPath(path);
    if (stat == null || stat.getEphemeralOwner() != currentSession()) {
      return false;
    }
    try {
      zk.delete().withVersion(stat.getVersion()).forPath(path);
      return true;
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
      return false;
    }
  }

  /**
   * Returns once no other ZooKeeper session holds the registration of broker {@code id}: a registration of a
   * stopped process is replaced, one of a live broker refused, see {@link ExistingRegistration}. An
   * undecided one goes when ZooKeeper expires its session, within one session timeout and a tick; one
   * still there after {@value #STALE_REGISTRATION_WAIT_SESSIONS} session timeouts is refused.
   *
   * @throws DuplicateBrokerIdException when another live broker holds the id
   */
  public void awaitBrokerIdFree(int id) throws Exception {
    String path = ZkPaths.broker(id);
    long waitMs = (long) STALE_REGISTRATION_WAIT_SESSIONS * zk.getZookeeperClient().getZooKeeper().getSessionTimeout();
    long deadline = System.currentTimeMillis() + waitMs;
    boolean told = false;
    while (true) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = zk.getData().storingStatIn(stat).forPath(path);
      } catch (KeeperException.NoNodeException free) {
        return;
      }
      if (stat.getEphemeralOwner() == currentSession() || stat.getEphemeralOwner() == registeredSession) {
        return;
      }
      BrokerInfo registered = LastGoodZnode.decodeOrKeep(path, data, bytes -> ZkJson.broker(id, bytes), null);
      ExistingRegistration.Probe probe = ExistingRegistration.probe(registered);
      switch (ExistingRegistration.decide(probe, System.currentTimeMillis() >= deadline)) {
        case REFUSE -> throw duplicate(id, stat);
        case REPLACE_STALE -> {
          log.info("replacing the registration of broker.id {} left by a stopped process (nothing listens at {})", id,
              registered.address());
          try {
            zk.delete().withVersion(stat.getVersion()).forPath(path);
          } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
            // expired or replaced meanwhile: look again
          }
        }
        case WAIT -> {
          if (!told) {
            log.info("broker.id {} is registered by another ZooKeeper session (0x{}) that does not answer; waiting up to"
                + " {} ms for it to expire", id, Long.toHexString(stat.getEphemeralOwner()), waitMs);
            told = true;
          }
          Thread.sleep(REGISTRATION_POLL_MS);
        }
      }
    }
  }

  private DuplicateBrokerIdException duplicate(int id, Stat holder) {
    String owner = holder == null ? "another session" : "ZooKeeper session 0x" + Long.toHexString(holder.getEphemeralOwner());
    return new DuplicateBrokerIdException("broker.id " + id + " is already registered by a live broker (znode /"
        + zk.getNamespace() + ZkPaths.broker(id) + ", " + owner + "); give each broker its own broker.id");
  }

  private long currentSession() throws Exception {
    return zk.getZookeeperClient().getZooKeeper().getSessionId();
  }

  /** Hands out a block of producer ids, unique across the cluster. */
  public long allocateProducerIdBlock(int blockSize) throws Exception {
    while (true) {
      Stat stat = new Stat();
      long next;
      try {
        byte[] data = zk.getData().storingStatIn(stat).forPath(ZkPaths.PRODUCER_ID_BLOCK);
        next = Long.parseLong(new String(data, StandardCharsets.UTF_8));
      } catch (KeeperException.NoNodeException e) {
        try {
          zk.create().creatingParentsIfNeeded().forPath(ZkPaths.PRODUCER_ID_BLOCK, "0".getBytes(StandardCharsets.UTF_8));
        } catch (KeeperException.NodeExistsException race) {
          // someone else created it
        }
        continue;
      }
      byte[] updated = Long.toString(next + blockSize).getBytes(StandardCharsets.UTF_8);
      try {
        zk.setData().withVersion(stat.getVersion()).forPath(ZkPaths.PRODUCER_ID_BLOCK, updated);
        return next;
      } catch (KeeperException.BadVersionException e) {
        // lost the race: read again
      }
    }
  }
}
