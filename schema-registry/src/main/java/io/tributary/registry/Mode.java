package io.tributary.registry;

import java.util.Locale;

/** Registry modes: READWRITE (default), READONLY (no registrations or deletes), IMPORT (ids chosen by the caller). */
public enum Mode {
  READWRITE, READONLY, IMPORT;

  public static Mode parse(String text) {
    if (text != null) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        // fall through
      }
    }
    throw Errors.invalidMode(String.valueOf(text));
  }
}
