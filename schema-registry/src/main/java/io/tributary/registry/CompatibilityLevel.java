package io.tributary.registry;

import java.util.Locale;

/** The seven compatibility levels, as Confluent names them. */
public enum CompatibilityLevel {
  NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

  public boolean transitive() {
    return name().endsWith("_TRANSITIVE");
  }

  /** Parses a level case-insensitively; throws 42203 for anything else (null included). */
  public static CompatibilityLevel parse(String text) {
    if (text != null) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        // fall through
      }
    }
    throw Errors.invalidCompatibilityLevel(String.valueOf(text));
  }
}
