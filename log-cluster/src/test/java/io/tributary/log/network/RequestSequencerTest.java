package io.tributary.log.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-connection hand-over rules, step by step: what goes to the pool next, and when to read. */
class RequestSequencerTest {

  /** One step: an action, then what next() returns and whether the connection reads. */
  private record Step(String action, String expectedNext, boolean expectedRead) {}

  @Test
  void handsOverOneAtATimeInArrivalOrderAndReadsOnlyWhileNothingWaits() {
    List<Step> table = List.of(
        new Step("start", null, true),
        new Step("add a", "a", false),          // a waits for the pool: stop reading
        new Step("add b", "a", false),
        new Step("handedOver", null, false),    // a is with the handler, b waits behind it
        new Step("returned", "b", false),       // a answered or parked: b's turn
        new Step("handedOver", null, true),     // nothing waits: read again
        new Step("add c", null, false),         // b still with the handler
        new Step("returned", "c", false),
        new Step("handedOver", null, true),
        new Step("returned", null, true));
    RequestSequencer<String> sequencer = new RequestSequencer<>();
    for (Step step : table) {
      switch (step.action()) {
        case "start" -> { }
        case "handedOver" -> sequencer.handedOver();
        case "returned" -> sequencer.handlerReturned();
        default -> sequencer.add(step.action().substring("add ".length()));
      }
      assertEquals(step.expectedNext(), sequencer.next(), "next() after " + step.action());
      assertEquals(step.expectedRead(), sequencer.shouldRead(), "shouldRead() after " + step.action());
    }
  }

  @Test
  void aRefusedRequestKeepsItsPlaceAndStopsReading() {
    RequestSequencer<String> sequencer = new RequestSequencer<>();
    sequencer.add("a");
    // The pool refused a: it is not handed over, stays first, and the connection stops reading.
    assertEquals("a", sequencer.next());
    assertEquals(false, sequencer.shouldRead());
    assertEquals(1, sequencer.waiting());
  }

  @Test
  void outOfOrderCallsAreBugs() {
    RequestSequencer<String> sequencer = new RequestSequencer<>();
    assertThrows(IllegalStateException.class, sequencer::handedOver);
    assertThrows(IllegalStateException.class, sequencer::handlerReturned);
    sequencer.add("a");
    sequencer.handedOver();
    sequencer.add("b");
    assertNull(sequencer.next());
    assertThrows(IllegalStateException.class, sequencer::handedOver);
  }

  @Test
  void aClosedConnectionDropsWhatWaitsButNotWhatTheHandlerHas() {
    RequestSequencer<String> sequencer = new RequestSequencer<>();
    sequencer.add("a");
    sequencer.handedOver();
    sequencer.add("b");
    sequencer.add("c");
    assertEquals(List.of("b", "c"), sequencer.dropWaiting());
    assertEquals(0, sequencer.waiting());
    sequencer.handlerReturned();
    assertNull(sequencer.next());
  }
}
