package io.tributary.log.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bounded queue with real threads: it refuses when full, and tells refused callers when a slot frees. */
class RequestHandlerPoolTest {
  static final long WAIT_SECONDS = 10;

  @Test
  void refusesWhenFullAndWakesTheRefusedWhenASlotFrees() throws Exception {
    try (RequestHandlerPool pool = new RequestHandlerPool(1, 2)) {
      CountDownLatch handlerBusy = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      List<String> ran = new CopyOnWriteArrayList<>();
      assertTrue(pool.offer(() -> {
        handlerBusy.countDown();
        await(release);
        ran.add("blocker");
      }));
      assertTrue(handlerBusy.await(WAIT_SECONDS, TimeUnit.SECONDS));
      assertTrue(pool.offer(() -> ran.add("first")));
      assertTrue(pool.offer(() -> ran.add("second")));
      assertEquals(2, pool.queued());
      assertFalse(pool.offer(() -> ran.add("refused")), "the third request must not fit into two slots");

      CountDownLatch space = new CountDownLatch(1);
      pool.whenSpace(space::countDown);
      assertFalse(space.await(200, TimeUnit.MILLISECONDS), "no slot has freed yet");
      release.countDown();
      assertTrue(space.await(WAIT_SECONDS, TimeUnit.SECONDS), "the refused caller is told when a slot frees");
      CountDownLatch last = new CountDownLatch(1);
      assertTrue(pool.offer(last::countDown));
      assertTrue(last.await(WAIT_SECONDS, TimeUnit.SECONDS));
      assertEquals(List.of("blocker", "first", "second"), ran);
    }
  }

  @Test
  void aFailingRequestDoesNotStopItsThread() throws Exception {
    try (RequestHandlerPool pool = new RequestHandlerPool(1, 4)) {
      assertTrue(pool.offer(() -> {
        throw new IllegalStateException("a bug in one request");
      }));
      CountDownLatch after = new CountDownLatch(1);
      assertTrue(pool.offer(after::countDown));
      assertTrue(after.await(WAIT_SECONDS, TimeUnit.SECONDS));
    }
  }

  @Test
  void closeLetsTheRequestBeingHandledFinishWithoutInterruptingIt() throws Exception {
    RequestHandlerPool pool = new RequestHandlerPool(1, 1);
    CountDownLatch started = new CountDownLatch(1);
    List<String> outcome = new CopyOnWriteArrayList<>();
    assertTrue(pool.offer(() -> {
      started.countDown();
      try {
        Thread.sleep(300);
        outcome.add("finished");
      } catch (InterruptedException e) {
        // An interrupt during a disk write would close the segment's file channel.
        outcome.add("interrupted");
      }
    }));
    assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
    pool.close();
    assertEquals(List.of("finished"), outcome, "close() returns after the request, which was not interrupted");
    assertFalse(pool.offer(() -> outcome.add("after close")), "a closed pool takes no request");
  }

  @Test
  void needsAThreadAndASlot() {
    assertThrows(IllegalArgumentException.class, () -> new RequestHandlerPool(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new RequestHandlerPool(1, 0));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
