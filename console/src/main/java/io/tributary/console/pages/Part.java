package io.tributary.console.pages;

import io.tributary.console.Unavailable;
import java.util.List;
import java.util.function.Supplier;

/**
 * One part of a page that reads one part of the platform: when that part is down the page still renders, with
 * the part's message in the page's error list and the part's section empty.
 */
final class Part {
  private Part() {}

  static <T> T read(Supplier<T> reader, T whenDown, List<String> errors) {
    try {
      return reader.get();
    } catch (Unavailable e) {
      errors.add(e.getMessage());
      return whenDown;
    }
  }
}
