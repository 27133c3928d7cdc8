package io.tributary.log.embedded;

import io.tributary.log.protocol.KafkaRpcClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * Waits for brokers' registrations: they reach each broker's ZooKeeper cache asynchronously, so a test that
 * needs every broker to know every other one asks each broker directly (a Kafka client would ask any one).
 */
public final class BrokerRegistrations {
  /** The Metadata request version asked (one every supported client speaks). */
  static final short METADATA_VERSION = 12;
  /** The pause between two rounds of asking a broker. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(50);
  static final int REQUEST_TIMEOUT_MS = 5000;

  private BrokerRegistrations() {}

  /** Waits until the metadata of each broker on {@code ports} (127.0.0.1) lists at least all of them. */
  public static void awaitEachSeesAll(List<Integer> ports, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int port : ports) {
      while (true) {
        try (KafkaRpcClient client = new KafkaRpcClient("127.0.0.1", port, "await-registered", REQUEST_TIMEOUT_MS)) {
          MetadataResponse md = client.send(
              new MetadataRequest.Builder(new MetadataRequestData().setTopics(List.of())).build(METADATA_VERSION));
          if (md.data().brokers().size() >= ports.size()) {
            break;
          }
        } catch (IOException e) {
          // not answering yet
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the broker on port " + port + " does not see all " + ports.size()
              + " brokers in time");
        }
        Thread.sleep(POLL_INTERVAL.toMillis());
      }
    }
  }
}
