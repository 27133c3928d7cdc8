package io.tributary.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/** Creates benchmark topics explicitly (never by auto-creation, whose defaults differ between systems). */
final class BenchTopics {
  /** How long topics may take to be created and to have every partition led with its full ISR. */
  static final long READY_TIMEOUT_MS = 60_000;

  private BenchTopics() {}

  /**
   * Creates {@code topics} with {@code partitions} partitions, replication factor {@code rf} and {@code configs},
   * then waits until every partition has a leader and its full replica set in sync.
   */
  static void create(Admin admin, String bootstrap, List<String> topics, int partitions, short rf,
      Map<String, String> configs) throws BenchException, InterruptedException {
    List<NewTopic> newTopics = new ArrayList<>();
    for (String t : topics) {
      newTopics.add(new NewTopic(t, partitions, rf).configs(configs));
    }
    try {
      admin.createTopics(newTopics).all().get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new BenchException("could not create topics " + topics + " (" + partitions + " partitions, RF=" + rf
          + ", " + configs + ") on " + bootstrap + ": " + ProduceConsumeBench.rootMessage(e), e);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
    String lastState = "";
    while (System.nanoTime() < deadline) {
      try {
        Map<String, TopicDescription> d = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
        boolean ready = true;
        for (TopicDescription td : d.values()) {
          if (td.partitions().size() != partitions) {
            ready = false;
          }
          for (TopicPartitionInfo p : td.partitions()) {
            if (p.leader() == null || p.leader().isEmpty() || p.isr().size() < rf) {
              ready = false;
              lastState = td.name() + "-" + p.partition() + " leader=" + p.leader() + " isr=" + p.isr();
            }
          }
        }
        if (ready) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        lastState = ProduceConsumeBench.rootMessage(e);
      }
      Thread.sleep(200);
    }
    throw new BenchException("topics " + topics + " not ready after " + READY_TIMEOUT_MS + " ms on " + bootstrap
        + " (last seen: " + lastState + ")");
  }
}
