package io.tributary.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.registry.store.InMemoryLogStore;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For each of the seven levels, a sequence of versions registered in order, with the expected outcome
 * of each step. Sequences are chosen so that the transitive and non-transitive forms differ.
 */
class CompatibilityMatrixTest {

  static String rec(String... fields) {
    return "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}"
        + (fields.length == 0 ? "" : "," + String.join(",", fields)) + "]}";
  }

  static final String A_STRING = "{\"name\":\"a\",\"type\":\"string\"}";
  static final String A_STRING_DEFAULT = "{\"name\":\"a\",\"type\":\"string\",\"default\":\"\"}";
  static final String A_INT = "{\"name\":\"a\",\"type\":\"int\"}";
  static final String A_INT_DEFAULT = "{\"name\":\"a\",\"type\":\"int\",\"default\":0}";
  static final String B_INT = "{\"name\":\"b\",\"type\":\"int\"}";

  // BACKWARD family: new reader reads old data. v3 reads v2 (no 'a': default) but not v1 (string a).
  static final List<String> BACKWARD_SEQ = List.of(rec(A_STRING), rec(), rec(A_INT_DEFAULT));
  // FORWARD family: old reader reads new data. v2 can read v3 (ignores 'a'), v1 cannot (int -> string).
  static final List<String> FORWARD_SEQ = List.of(rec(A_STRING_DEFAULT), rec(), rec(A_INT));
  // FULL family: both directions. v3 and v2 are mutually readable; v3 cannot read v1's string 'a'.
  static final List<String> FULL_SEQ = List.of(rec(A_STRING_DEFAULT), rec(), rec(A_INT_DEFAULT));

  record Step(String schema, boolean accepted) {}

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("NONE", List.of(new Step(rec(A_STRING), true), new Step(rec(B_INT), true),
            new Step("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}", true))),
        Arguments.of("BACKWARD", steps(BACKWARD_SEQ, true, true, true)),
        Arguments.of("BACKWARD_TRANSITIVE", steps(BACKWARD_SEQ, true, true, false)),
        // adding a field without a default breaks BACKWARD
        Arguments.of("BACKWARD", List.of(new Step(rec(), true), new Step(rec(B_INT), false))),
        Arguments.of("FORWARD", steps(FORWARD_SEQ, true, true, true)),
        Arguments.of("FORWARD_TRANSITIVE", steps(FORWARD_SEQ, true, true, false)),
        // removing a field without a default breaks FORWARD
        Arguments.of("FORWARD", List.of(new Step(rec(A_STRING), true), new Step(rec(), false))),
        Arguments.of("FULL", steps(FULL_SEQ, true, true, true)),
        Arguments.of("FULL_TRANSITIVE", steps(FULL_SEQ, true, true, false)),
        // FULL refuses what only BACKWARD allows
        Arguments.of("FULL", List.of(new Step(rec(A_STRING), true), new Step(rec(), false))),
        // and what only FORWARD allows
        Arguments.of("FULL", List.of(new Step(rec(), true), new Step(rec(B_INT), false))));
  }

  static List<Step> steps(List<String> schemas, boolean... accepted) {
    return java.util.stream.IntStream.range(0, schemas.size())
        .mapToObj(i -> new Step(schemas.get(i), accepted[i])).toList();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void sequence(String level, List<Step> steps) {
    SchemaRegistry registry = new SchemaRegistry(new InMemoryLogStore(), CompatibilityLevel.BACKWARD, 1000);
    registry.setConfig("subj", CompatibilityLevel.parse(level));
    int expectedVersions = 0;
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      SchemaRegistry.RegisterRequest req = new SchemaRegistry.RegisterRequest(step.schema(), null, false, null, null);
      // the compatibility endpoint's check agrees with registration
      assertEquals(step.accepted(), registry.checkCompatibility("subj", null, step.schema()).isEmpty(),
          level + " check of step " + (i + 1));
      if (step.accepted()) {
        registry.register("subj", req);
        expectedVersions++;
      } else {
        RegistryException e = assertThrows(RegistryException.class, () -> registry.register("subj", req),
            level + " step " + (i + 1) + " should be refused");
        assertEquals(409, e.errorCode());
      }
      assertEquals(expectedVersions, registry.versions("subj", false).size());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("levels")
  void checkEndpointMatchesLevelOnLastStep(String level, List<String> seq, boolean lastAccepted) {
    SchemaRegistry registry = new SchemaRegistry(new InMemoryLogStore(), CompatibilityLevel.BACKWARD, 1000);
    registry.setConfig("subj", CompatibilityLevel.NONE);
    registry.register("subj", new SchemaRegistry.RegisterRequest(seq.get(0), null, false, null, null));
    registry.register("subj", new SchemaRegistry.RegisterRequest(seq.get(1), null, false, null, null));
    registry.setConfig("subj", CompatibilityLevel.parse(level));
    assertEquals(lastAccepted, registry.checkCompatibility("subj", null, seq.get(2)).isEmpty(), level);
  }

  static Stream<Arguments> levels() {
    return Stream.of(
        Arguments.of("BACKWARD", BACKWARD_SEQ, true), Arguments.of("BACKWARD_TRANSITIVE", BACKWARD_SEQ, false),
        Arguments.of("FORWARD", FORWARD_SEQ, true), Arguments.of("FORWARD_TRANSITIVE", FORWARD_SEQ, false),
        Arguments.of("FULL", FULL_SEQ, true), Arguments.of("FULL_TRANSITIVE", FULL_SEQ, false),
        Arguments.of("NONE", FULL_SEQ, true));
  }
}
