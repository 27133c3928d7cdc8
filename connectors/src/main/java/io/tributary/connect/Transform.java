package io.tributary.connect;

import java.util.List;

/** One step of a pipeline's {@code transforms} list, applied to each record in order. */
public sealed interface Transform {

  /** {@code type: rename}: the field {@code from} is renamed {@code to}. */
  record Rename(String from, String to) implements Transform {}

  /** {@code type: drop}: the named fields are removed. */
  record Drop(List<String> fields) implements Transform {
    public Drop {
      fields = List.copyOf(fields);
    }
  }

  /** {@code type: filter}: only records whose {@code field} equals {@code equals} (compared as text) pass. */
  record Filter(String field, String equals) implements Transform {}
}
