package io.tributary.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaValidationException;
import org.apache.avro.SchemaValidator;
import org.apache.avro.SchemaValidatorBuilder;

/**
 * Compatibility checks, delegated to Avro: {@link SchemaValidatorBuilder} decides, and
 * {@link SchemaCompatibility} explains (for {@code verbose=true} and the 409 message).
 */
public final class Compatibility {
  private Compatibility() {}

  /**
   * Checks {@code candidate} against {@code previous} (ordered newest first) under {@code level}.
   * Non-transitive levels look only at the newest previous schema.
   *
   * @return the reasons it is incompatible; empty when compatible
   */
  public static List<String> check(CompatibilityLevel level, Schema candidate, List<Schema> previous) {
    if (level == CompatibilityLevel.NONE || previous.isEmpty()) {
      return List.of();
    }
    SchemaValidatorBuilder builder = new SchemaValidatorBuilder();
    switch (level) {
      case BACKWARD, BACKWARD_TRANSITIVE -> builder.canReadStrategy();
      case FORWARD, FORWARD_TRANSITIVE -> builder.canBeReadStrategy();
      case FULL, FULL_TRANSITIVE -> builder.mutualReadStrategy();
      default -> throw new IllegalStateException("unhandled level " + level);
    }
    SchemaValidator validator = level.transitive() ? builder.validateAll() : builder.validateLatest();
    try {
      validator.validate(candidate, previous);
      return List.of();
    } catch (SchemaValidationException e) {
      List<String> reasons = explain(level, candidate, level.transitive() ? previous : previous.subList(0, 1));
      if (reasons.isEmpty()) {
        reasons = List.of(String.valueOf(e.getMessage()));
      }
      return reasons;
    }
  }

  private static List<String> explain(CompatibilityLevel level, Schema candidate, List<Schema> previous) {
    List<String> out = new ArrayList<>();
    boolean backward = level != CompatibilityLevel.FORWARD && level != CompatibilityLevel.FORWARD_TRANSITIVE;
    boolean forward = level != CompatibilityLevel.BACKWARD && level != CompatibilityLevel.BACKWARD_TRANSITIVE;
    for (Schema old : previous) {
      if (backward) {
        describe(out, "BACKWARD", SchemaCompatibility.checkReaderWriterCompatibility(candidate, old), old);
      }
      if (forward) {
        describe(out, "FORWARD", SchemaCompatibility.checkReaderWriterCompatibility(old, candidate), old);
      }
    }
    return out;
  }

  private static void describe(List<String> out, String direction,
      SchemaCompatibility.SchemaPairCompatibility pair, Schema old) {
    if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (SchemaCompatibility.Incompatibility inc : pair.getResult().getIncompatibilities()) {
      out.add("{errorType:'" + inc.getType() + "', description:'" + direction + ": "
          + inc.getMessage() + "', location:'" + inc.getLocation() + "', oldSchema:'"
          + old.getFullName() + "'}");
    }
  }
}
