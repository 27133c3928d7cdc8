package io.tributary.registry.rest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response: status, content type, body bytes, and for writes the log offset the answering node had
 * applied (-1 if none), sent as {@link #OFFSET_HEADER} so that a forwarding node can wait for it.
 */
public record HttpResult(int status, String contentType, byte[] body, long appliedOffset, Map<String, String> headers) {
  public static final String SR_JSON = "application/vnd.schemaregistry.v1+json";
  public static final String OFFSET_HEADER = "X-Tributary-Applied-Offset";

  public HttpResult(int status, String contentType, byte[] body) {
    this(status, contentType, body, -1);
  }

  public HttpResult(int status, String contentType, byte[] body, long appliedOffset) {
    this(status, contentType, body, appliedOffset, Map.of());
  }

  public HttpResult withAppliedOffset(long offset) {
    return new HttpResult(status, contentType, body, offset, headers);
  }

  /** The same answer with one more response header (e.g. WWW-Authenticate on a 401). */
  public HttpResult withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new HttpResult(status, contentType, body, appliedOffset, Map.copyOf(h));
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
