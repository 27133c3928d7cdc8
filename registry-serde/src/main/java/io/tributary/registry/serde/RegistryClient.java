package io.tributary.registry.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small client of the registry's REST API (java.net.http). Tries each URL in turn on I/O errors.
 * No caching here: the serdes cache.
 */
public final class RegistryClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CT = "application/vnd.schemaregistry.v1+json";

  /** An error answer of the registry. */
  public static final class RegistryClientException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final int errorCode;

    public RegistryClientException(int status, int errorCode, String message) {
      super(message + " (HTTP " + status + ", error_code " + errorCode + ")");
      this.status = status;
      this.errorCode = errorCode;
    }

    public int status() {
      return status;
    }

    public int errorCode() {
      return errorCode;
    }
  }

  /** A subject version: what GET /subjects/{s}/versions/{v} returns. */
  public record SubjectVersion(String subject, int version, int id, String schema) {}

  private final List<String> urls;
  private final HttpClient http;
  private final Duration timeout;
  private final Optional<String> authorization;

  public RegistryClient(String urls) {
    this(urls, Duration.ofSeconds(30));
  }

  public RegistryClient(String urls, Duration timeout) {
    this(urls, timeout, RegistryClientSecurity.NONE);
  }

  /** With Confluent's client keys among {@code configs} (basic auth, {@code schema.registry.ssl.*}). */
  public RegistryClient(String urls, Duration timeout, Map<String, ?> configs) {
    this(urls, timeout, RegistryClientSecurity.fromConfigs(withUrl(configs, urls)));
  }

  public RegistryClient(String urls, Duration timeout, RegistryClientSecurity security) {
    List<String> list = new ArrayList<>();
    for (String u : urls.split(",")) {
      String t = RegistryClientSecurity.withoutUserInfo(u.trim());
      if (!t.isEmpty()) {
        list.add(t.endsWith("/") ? t.substring(0, t.length() - 1) : t);
      }
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("schema.registry.url is empty");
    }
    this.urls = List.copyOf(list);
    this.timeout = timeout;
    this.authorization = security.authorization();
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5));
    security.sslContext().ifPresent(b::sslContext);
    this.http = b.build();
  }

  private static Map<String, ?> withUrl(Map<String, ?> configs, String urls) {
    Map<String, Object> out = new HashMap<>(configs);
    out.putIfAbsent(SerdeConfig.SCHEMA_REGISTRY_URL, urls);
    return out;
  }

  public int register(String subject, String schema) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schema);
    return call("POST", "/subjects/" + enc(subject) + "/versions", body).get("id").asInt();
  }

  /** POST /subjects/{s}: the version under which this schema is registered. */
  public SubjectVersion lookup(String subject, String schema) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schema);
    return version(call("POST", "/subjects/" + enc(subject), body));
  }

  public SubjectVersion latest(String subject) throws IOException {
    return version(call("GET", "/subjects/" + enc(subject) + "/versions/latest", null));
  }

  public String schemaById(int id) throws IOException {
    return call("GET", "/schemas/ids/" + id, null).get("schema").asText();
  }

  /** Any call; returns the parsed JSON body. */
  public JsonNode call(String method, String path, JsonNode body) throws IOException {
    IOException last = null;
    for (String base : urls) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
          .header("Accept", CT);
      authorization.ifPresent(a -> b.header("Authorization", a));
      if (body != null) {
        b.header("Content-Type", CT)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<byte[]> r;
      try {
        r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        last = e;
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted calling " + base + path, e);
      }
      JsonNode n = r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
      if (r.statusCode() >= 300) {
        throw new RegistryClientException(r.statusCode(), n.path("error_code").asInt(r.statusCode()),
            method + " " + base + path + ": " + n.path("message").asText(""));
      }
      return n;
    }
    throw new IOException("No schema registry reachable at " + urls + ": " + last, last);
  }

  private static SubjectVersion version(JsonNode n) {
    return new SubjectVersion(n.path("subject").asText(), n.path("version").asInt(),
        n.path("id").asInt(), n.path("schema").asText());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
