package io.tributary.config;

/** Whether a configuration key must be given, and what holds when it is not. */
public enum Presence {
  REQUIRED,
  /** Optional with the default {@link KeySpec#defaultValue()}. */
  DEFAULT,
  /** Optional, no default: absent means "not used". */
  OPTIONAL,
  /** Optional; when absent the value is derived from other keys, as {@link KeySpec#defaultValue()} says. */
  DERIVED
}
