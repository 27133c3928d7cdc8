package io.tributary.console.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** The console's own files (htmx, the style sheet, the keyboard script), served from the jar: no CDN. */
final class Static {
  private static final String ROOT = "/io/tributary/console/static/";
  private static final Map<String, String> TYPES = Map.of(
      "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "txt", "text/plain; charset=utf-8");

  private Static() {}

  static Response file(String name) throws IOException {
    String ext = name.substring(name.lastIndexOf('.') + 1);
    if (!name.matches("[A-Za-z0-9._-]+") || !TYPES.containsKey(ext)) {
      return Response.html(404, "no such file");
    }
    try (InputStream in = Static.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        return Response.html(404, "no such file");
      }
      return new Response(200, TYPES.get(ext), in.readAllBytes(), null);
    }
  }
}
