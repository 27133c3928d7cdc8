package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A producer's later batch to a partition waits for its unfinished earlier one; nothing else waits. */
class ProducerAppendOrderTest {
  static final ProducerAppendOrder.Key P7_ON_T0 = new ProducerAppendOrder.Key(new TopicPartition("t", 0), 7);
  static final ProducerAppendOrder.Key P7_ON_T1 = new ProducerAppendOrder.Key(new TopicPartition("t", 1), 7);
  static final ProducerAppendOrder.Key P8_ON_T0 = new ProducerAppendOrder.Key(new TopicPartition("t", 0), 8);

  @Test
  void aBatchWaitsForTheLastUnfinishedAppendOfItsProducerOnItsPartition() {
    ProducerAppendOrder order = new ProducerAppendOrder();
    assertNull(order.unfinished(P7_ON_T0), "nothing waits: append at once");

    CompletableFuture<Void> verifying = new CompletableFuture<>();
    order.add(P7_ON_T0, verifying);
    assertSame(verifying, order.unfinished(P7_ON_T0));
    assertNull(order.unfinished(P7_ON_T1), "another partition of the producer");
    assertNull(order.unfinished(P8_ON_T0), "another producer on the partition");

    CompletableFuture<Void> behind = new CompletableFuture<>();
    order.add(P7_ON_T0, behind);
    assertSame(behind, order.unfinished(P7_ON_T0), "the next batch waits for the last one, which waits in turn");

    verifying.complete(null);
    assertSame(behind, order.unfinished(P7_ON_T0), "the first one's completion does not forget the later one");
    behind.complete(null);
    assertNull(order.unfinished(P7_ON_T0));
    assertEquals(0, order.size(), "finished appends are forgotten");
  }

  @Test
  void aRefusedAppendReleasesTheBatchesBehindItToo() {
    ProducerAppendOrder order = new ProducerAppendOrder();
    CompletableFuture<Void> refused = new CompletableFuture<>();
    order.add(P7_ON_T0, refused);
    refused.completeExceptionally(new IllegalStateException("the coordinator did not answer"));
    assertNull(order.unfinished(P7_ON_T0));
    assertEquals(0, order.size());
  }
}
