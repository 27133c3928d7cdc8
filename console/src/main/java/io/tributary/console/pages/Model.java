package io.tributary.console.pages;

import java.util.HashMap;
import java.util.Map;

/** A template's values, built fluently: {@code Model.of("topic", t).with("messages", list)}. */
final class Model extends HashMap<String, Object> {
  private static final long serialVersionUID = 1L;

  static Model of(String key, Object value) {
    return new Model().with(key, value);
  }

  Model with(String key, Object value) {
    put(key, value);
    return this;
  }

  Model withAll(Map<String, ?> values) {
    putAll(values);
    return this;
  }
}
