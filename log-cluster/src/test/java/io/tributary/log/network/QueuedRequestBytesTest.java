package io.tributary.log.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The queued.max.request.bytes accounting, step by step. */
class QueuedRequestBytesTest {

  /** One step: "add n", "release n" or "wait" (register a room callback); then room, total and callbacks run. */
  private record Step(String action, boolean expectedRoom, long expectedQueued, int expectedWakeups) {}

  @Test
  void readsWhileRoomIsLeftAndWakesPausedConnectionsOnRelease() {
    List<Step> table = List.of(
        new Step("add 60", true, 60, 0),
        new Step("add 60", false, 120, 0),     // non-strict: the read that passed the bound was allowed
        new Step("wait", false, 120, 0),
        new Step("wait", false, 120, 0),
        new Step("release 10", false, 110, 0), // still at the bound: nobody woken
        new Step("release 60", true, 50, 2),   // room again: both paused connections woken, once
        new Step("release 50", true, 0, 2),
        new Step("add 500", false, 500, 2),    // one request larger than the bound is still served
        new Step("release 500", true, 0, 2));
    QueuedRequestBytes bytes = new QueuedRequestBytes(100);
    AtomicInteger wakeups = new AtomicInteger();
    for (Step step : table) {
      String[] words = step.action().split(" ");
      switch (words[0]) {
        case "add" -> bytes.add(Integer.parseInt(words[1]));
        case "release" -> bytes.release(Integer.parseInt(words[1]));
        default -> bytes.whenRoom(wakeups::incrementAndGet);
      }
      assertEquals(step.expectedRoom(), bytes.hasRoom(), "room after " + step.action());
      assertEquals(step.expectedQueued(), bytes.queuedBytes(), "queued after " + step.action());
      assertEquals(step.expectedWakeups(), wakeups.get(), "wakeups after " + step.action());
    }
  }

  @Test
  void unboundedAlwaysHasRoomAndMisuseIsRefused() {
    QueuedRequestBytes unbounded = new QueuedRequestBytes(-1);
    unbounded.add(Integer.MAX_VALUE);
    unbounded.add(Integer.MAX_VALUE);
    assertEquals(true, unbounded.hasRoom());
    assertThrows(IllegalArgumentException.class, () -> new QueuedRequestBytes(0));
    QueuedRequestBytes bytes = new QueuedRequestBytes(10);
    bytes.add(5);
    assertThrows(IllegalStateException.class, () -> bytes.release(6));
  }

  @Test
  void aFailingCallbackDoesNotKeepTheOthersAsleep() {
    QueuedRequestBytes bytes = new QueuedRequestBytes(10);
    bytes.add(10);
    AtomicInteger woken = new AtomicInteger();
    bytes.whenRoom(() -> {
      throw new IllegalStateException("event loop shut down");
    });
    bytes.whenRoom(woken::incrementAndGet);
    bytes.release(10);
    assertEquals(1, woken.get());
  }
}
