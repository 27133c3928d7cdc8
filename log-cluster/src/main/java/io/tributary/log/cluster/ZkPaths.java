package io.tributary.log.cluster;

import org.apache.kafka.common.TopicPartition;

/**
 * The ZooKeeper layout, relative to the cluster's namespace (the chroot of {@code zookeeper.connect},
 * or {@code /tributary}):
 * <pre>
 * /brokers/ids/{id}                              ephemeral {"host","port","rack"}
 * /controller                                    LeaderLatch of the controller election
 * /controller_epoch                              the current controller's epoch
 * /topics/{name}                                 {"id","replicas":{"0":[1,2,3],...}}
 * /topics/{name}/partitions/{p}/state            {"leader","leader_epoch","isr","controller_epoch"}
 * /config/topics/{name}                          {"retention.ms": "...", ...} (overrides only)
 * /config/brokers/{id}                           dynamic broker configs, e.g. {"leader.replication.throttled.rate": "..."}
 * /producer_id_block                             next free producer id (blocks handed out by CAS)
 * /admin/delete_topics/{name}                    {"id"} of the deleted topic: brokers delete its logs
 * </pre>
 *
 * <p>A deletion mark is written before a topic's znodes are removed and stays (overwritten by the next
 * deletion of that name): it is the only thing that makes a broker delete a log, so a broker that was
 * down during the deletion still deletes the log when it comes back, and a topic znode that merely
 * reads as missing or garbage deletes nothing.
 * <pre>
 * </pre>
 */
public final class ZkPaths {
  private ZkPaths() {}

  public static final String BROKER_IDS = "/brokers/ids";
  public static final String CONTROLLER = "/controller";
  public static final String CONTROLLER_EPOCH = "/controller_epoch";
  public static final String TOPICS = "/topics";
  public static final String TOPIC_CONFIGS = "/config/topics";
  public static final String BROKER_CONFIGS = "/config/brokers";
  public static final String PRODUCER_ID_BLOCK = "/producer_id_block";
  public static final String DELETED_TOPICS = "/admin/delete_topics";

  public static String broker(int id) {
    return BROKER_IDS + "/" + id;
  }

  public static String topic(String name) {
    return TOPICS + "/" + name;
  }

  public static String partitions(String topic) {
    return topic(topic) + "/partitions";
  }

  public static String partitionState(TopicPartition tp) {
    return partitions(tp.topic()) + "/" + tp.partition() + "/state";
  }

  public static String deletedTopic(String name) {
    return DELETED_TOPICS + "/" + name;
  }

  public static String brokerConfig(int id) {
    return BROKER_CONFIGS + "/" + id;
  }

  public static String topicConfig(String name) {
    return TOPIC_CONFIGS + "/" + name;
  }

  /** Splits {@code host:port,host:port/chroot} into the servers and the namespace Curator should use. */
  public static String[] serversAndNamespace(String connect) {
    int slash = connect.indexOf('/');
    if (slash < 0) {
      return new String[] {connect, "tributary"};
    }
    String chroot = connect.substring(slash + 1).replaceAll("/+$", "");
    return new String[] {connect.substring(0, slash), chroot.isEmpty() ? "tributary" : chroot};
  }
}
