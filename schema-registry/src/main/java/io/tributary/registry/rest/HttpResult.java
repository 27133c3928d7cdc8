package io.tributary.registry.rest;

import java.nio.charset.StandardCharsets;

/** A response: status, content type and body bytes. */
public record HttpResult(int status, String contentType, byte[] body) {
  public static final String SR_JSON = "application/vnd.schemaregistry.v1+json";

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
