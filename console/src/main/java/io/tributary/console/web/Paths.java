package io.tributary.console.web;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Names (topics, groups, subjects, tables) in URL path segments and query strings. */
public final class Paths {
  private Paths() {}

  /** One path segment: a name with '/' or spaces stays one segment. */
  public static String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String decodeSegment(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** A query-string value. */
  public static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
