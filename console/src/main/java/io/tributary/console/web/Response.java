package io.tributary.console.web;

import java.nio.charset.StandardCharsets;

/** What a page answers: a status, a content type and the body, or a redirect (see other) to a location. */
public record Response(int status, String contentType, byte[] body, String location) {

  public static Response html(int status, String html) {
    return new Response(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), null);
  }

  public static Response html(String html) {
    return html(200, html);
  }

  /** After a POST that changed something: the browser loads {@code location} (so a reload does not repeat it). */
  public static Response seeOther(String location) {
    return new Response(303, "text/plain; charset=utf-8", new byte[0], location);
  }
}
