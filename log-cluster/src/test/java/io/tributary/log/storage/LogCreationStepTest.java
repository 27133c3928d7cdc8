package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.storage.LogCreationStep;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogCreationStepTest {
  private static final Uuid A = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");
  private static final Uuid B = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAg");

  private static Uuid id(String name) {
    return switch (name) {
      case "none" -> null;
      case "zero" -> Uuid.ZERO_UUID;
      case "A" -> A;
      case "B" -> B;
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest(name = "in flight {0}, existing {1}, requested {2} -> {3}")
  @CsvSource({
      // a creation in flight is always waited for, whatever the ids: the creator's log is then decided again
      "true,  none, A,    AWAIT_CREATOR",
      "true,  A,    B,    AWAIT_CREATOR",
      "true,  A,    A,    AWAIT_CREATOR",
      // no log: this caller creates it
      "false, none, A,    CREATE",
      "false, none, none, CREATE",
      "false, none, zero, CREATE",
      // a log of the same topic, or a topic id unknown on either side, is used as it is
      "false, A,    A,    USE_EXISTING",
      "false, A,    none, USE_EXISTING",
      "false, A,    zero, USE_EXISTING",
      "false, zero, A,    USE_EXISTING",
      // a log of another topic id: the topic was deleted and recreated
      "false, A,    B,    REPLACE_EXISTING",
  })
  void decides(boolean inFlight, String existing, String requested, LogCreationStep expected) {
    assertEquals(expected, LogCreationStep.decide(inFlight, id(existing), id(requested)));
  }
}
