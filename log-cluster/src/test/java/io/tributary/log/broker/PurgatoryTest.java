package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Parked requests complete once: by a partition change or by their timeout; the count stays exact. */
class PurgatoryTest {
  static final TopicPartition TP = new TopicPartition("t", 0);

  @Test
  void completesOnNotifyAndLeavesNothingParked() {
    try (Purgatory p = new Purgatory("test")) {
      AtomicBoolean ready = new AtomicBoolean();
      AtomicInteger completions = new AtomicInteger();
      AtomicInteger expiries = new AtomicInteger();
      Purgatory.Waiter w = new Purgatory.Waiter(List.of(TP),
          () -> ready.get() && completions.incrementAndGet() > 0, expiries::incrementAndGet);
      assertTrue(p.park(w, 60_000));
      assertEquals(1, p.size());
      p.notifyPartition(TP);
      assertEquals(0, completions.get(), "not ready yet");
      ready.set(true);
      p.notifyPartition(TP);
      p.notifyPartition(TP);
      assertEquals(1, completions.get(), "completed exactly once");
      assertEquals(0, p.size());
      assertEquals(0, expiries.get());
    }
  }

  @Test
  void expiresOnceAfterItsTimeout() throws Exception {
    try (Purgatory p = new Purgatory("test")) {
      CountDownLatch expired = new CountDownLatch(1);
      AtomicInteger expiries = new AtomicInteger();
      Purgatory.Waiter w = new Purgatory.Waiter(List.of(TP), () -> false, () -> {
        expiries.incrementAndGet();
        expired.countDown();
      });
      assertTrue(p.park(w, 50));
      assertTrue(expired.await(5, TimeUnit.SECONDS));
      Thread.sleep(50);
      p.notifyPartition(TP);
      assertEquals(1, expiries.get());
      assertEquals(0, p.size());
    }
  }

  @Test
  void aFullPurgatoryRefusesAndCountsStayExact() {
    try (Purgatory p = new Purgatory("test")) {
      for (int i = 0; i < Purgatory.MAX_WAITING; i++) {
        assertTrue(p.park(new Purgatory.Waiter(List.of(TP), () -> false, () -> { }), 60_000));
      }
      assertFalse(p.park(new Purgatory.Waiter(List.of(TP), () -> false, () -> { }), 60_000), "full: answer at once");
      assertEquals(Purgatory.MAX_WAITING, p.size());
    }
  }
}
