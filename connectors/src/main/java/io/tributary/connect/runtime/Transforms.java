package io.tributary.connect.runtime;

import io.tributary.connect.Transform;
import java.util.List;
import java.util.Map;

/** Applies a pipeline's {@code transforms} in order to one record (a mutable map, changed in place). */
public final class Transforms {
  private final List<Transform> steps;

  public Transforms(List<Transform> steps) {
    this.steps = List.copyOf(steps);
  }

  /**
   * Applies every step to {@code record}; returns false when a filter drops it (the record is then not to be
   * written). A rename of a missing field does nothing; renaming onto an existing field replaces it.
   */
  public boolean apply(Map<String, Object> record) {
    for (Transform t : steps) {
      if (t instanceof Transform.Rename r) {
        if (record.containsKey(r.from())) {
          Object v = record.remove(r.from());
          record.put(r.to(), v);
        }
      } else if (t instanceof Transform.Drop d) {
        d.fields().forEach(record::remove);
      } else if (t instanceof Transform.Filter f) {
        Object v = record.get(f.field());
        if (v == null || !asText(v).equals(f.equals())) {
          return false;
        }
      }
    }
    return true;
  }

  /** The text a filter compares: numbers and booleans as Java prints them, strings as they are. */
  static String asText(Object v) {
    return String.valueOf(v);
  }
}
