package io.tributary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.metrics.Readiness.Check;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  @Test
  void readyOnlyWhenEveryCheckPasses() {
    Check registered = new Check("registered", true, "broker 1");
    Check noController = new Check("controller known", false, "no controller elected");
    assertEquals(true, Readiness.alwaysReady().ready());
    assertEquals(true, new Readiness(List.of(registered)).ready());
    assertEquals(false, new Readiness(List.of(registered, noController)).ready());
  }

  @Test
  void jsonNamesEveryCheckAndEscapesTheDetail() {
    Readiness r = new Readiness(List.of(new Check("caught up", false, "behind on \"t-0\"\n")));
    assertEquals("{\"status\":\"DOWN\",\"checks\":{\"caught up\":{\"ok\":false,\"detail\":\"behind on \\\"t-0\\\"\\n\"}}}",
        r.toJson());
    assertEquals("{\"status\":\"UP\",\"checks\":{}}", Readiness.alwaysReady().toJson());
  }
}
