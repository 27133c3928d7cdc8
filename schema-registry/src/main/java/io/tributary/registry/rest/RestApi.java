package io.tributary.registry.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.registry.CompatibilityLevel;
import io.tributary.registry.Errors;
import io.tributary.registry.Mode;
import io.tributary.registry.RegistryException;
import io.tributary.registry.SchemaRegistry;
import io.tributary.registry.store.RegistryState.SchemaEntry;
import io.tributary.registry.store.RegistryState.VersionEntry;
import io.tributary.registry.store.RegistryState;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent's REST API over {@link SchemaRegistry}, independent of the HTTP server: a request (method,
 * URI, content type, body) in, an {@link HttpResult} out. Writes on a non-primary node are forwarded
 * to the primary.
 */
public final class RestApi {
  private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
  public static final String FORWARDED_HEADER = "X-Tributary-Forwarded";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SchemaRegistry registry;
  private final Primary primary;
  private final HttpClient http;
  private final long forwardTimeoutMs;
  private final AtomicLong requests = new AtomicLong();

  public RestApi(SchemaRegistry registry, Primary primary, long forwardTimeoutMs) {
    this(registry, primary, forwardTimeoutMs, null);
  }

  /**
   * With {@code forwardTls} the TLS context writes are forwarded to an https primary with (its trust store
   * must trust the primary's certificate); null: the JDK's default.
   */
  public RestApi(SchemaRegistry registry, Primary primary, long forwardTimeoutMs, SSLContext forwardTls) {
    this.registry = registry;
    this.primary = primary;
    this.forwardTimeoutMs = forwardTimeoutMs;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(Math.min(forwardTimeoutMs, 5000)))
        .version(HttpClient.Version.HTTP_1_1);
    if (forwardTls != null) {
      b.sslContext(forwardTls);
    }
    this.http = b.build();
  }

  private volatile RequestObserver observer = (method, status, durationNanos) -> { };

  /**
   * A request as the server parsed it; {@code authorization} is its Authorization header (null if none),
   * passed on when the request is forwarded to the primary, which authenticates it again.
   */
  public record Request(String method, String rawUri, String contentType, byte[] body, boolean forwarded, String authorization) {
    public Request(String method, String rawUri, String contentType, byte[] body, boolean forwarded) {
      this(method, rawUri, contentType, body, forwarded, null);
    }
  }

  /** Requests handled so far (tests check that the serdes' steady state makes none). */
  public long requestCount() {
    return requests.get();
  }

  /** Told of every request handled (the metrics listener's request counts, errors and latency). */
  public interface RequestObserver {
    void handled(String method, int status, long durationNanos);
  }

  /** Sets who is told of every request handled. */
  public void observe(RequestObserver observer) {
    this.observer = observer;
  }

  public HttpResult handle(Request req) {
    long startNanos = System.nanoTime();
    HttpResult result = handleUnobserved(req);
    observer.handled(req.method(), result.status(), System.nanoTime() - startNanos);
    return result;
  }

  /** A request refused before the API (401, 403): counted and observed like any other. */
  public HttpResult refused(Request req, HttpResult answer) {
    requests.incrementAndGet();
    observer.handled(req.method(), answer.status(), 0);
    return answer;
  }

  private HttpResult handleUnobserved(Request req) {
    requests.incrementAndGet();
    try {
      HttpResult r = route(req);
      if (!req.method().equals("GET") && r.appliedOffset() < 0) {
        r = r.withAppliedOffset(registry.state().appliedOffset());
      }
      return r;
    } catch (RegistryException e) {
      if (e.httpStatus() >= 500) {
        LOG.warn("{} {} -> {} {}", req.method(), req.rawUri(), e.errorCode(), e.getMessage(), e.getCause());
      }
      return error(e.httpStatus(), e.errorCode(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", req.method(), req.rawUri(), e);
      return error(500, 50001, "Internal error: " + e);
    }
  }

  public static HttpResult error(int status, int code, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error_code", code);
    n.put("message", message);
    return json(status, n);
  }

  private static HttpResult json(int status, Object body) {
    try {
      return new HttpResult(status, HttpResult.SR_JSON, JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResult ok(Object body) {
    return json(200, body);
  }

  private HttpResult route(Request req) {
    String raw = req.rawUri();
    int q = raw.indexOf('?');
    String path = q < 0 ? raw : raw.substring(0, q);
    Map<String, String> params = parseQuery(q < 0 ? "" : raw.substring(q + 1));
    List<String> seg = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        seg.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    String m = req.method();
    int n = seg.size();
    boolean hasBody = m.equals("POST") || m.equals("PUT");
    if (hasBody && !acceptableContentType(req.contentType())) {
      return error(415, 415, "HTTP 415 Unsupported Media Type: use Content-Type "
          + HttpResult.SR_JSON + " or application/json (got '" + req.contentType() + "')");
    }
    if (n == 0) {
      return m.equals("GET") ? ok(JSON.createObjectNode()) : notAllowed(m, path);
    }
    String root = seg.get(0);
    switch (root) {
      case "subjects" -> {
        if (n == 1) {
          return m.equals("GET")
              ? ok(registry.subjects(flag(params, "deleted"), params.get("subjectPrefix")))
              : notAllowed(m, path);
        }
        String subject = seg.get(1);
        if (n == 2) {
          switch (m) {
            case "POST": {
              JsonNode body = body(req);
              rejectUnsupported(body, subject);
              VersionEntry v = registry.lookup(subject, text(body, "schema"), flag(params, "deleted"));
              return ok(versionBody(v, true));
            }
            case "DELETE":
              if (!primary.isPrimary()) {
                return forward(req);
              }
              return ok(registry.deleteSubject(subject, flag(params, "permanent")));
            default:
              return notAllowed(m, path);
          }
        }
        if (!seg.get(2).equals("versions")) {
          return notFound(path);
        }
        if (n == 3) {
          switch (m) {
            case "GET":
              return ok(registry.versions(subject, flag(params, "deleted")));
            case "POST": {
              JsonNode body = body(req);
              if (!primary.isPrimary()) {
                return forward(req);
              }
              int id = registry.register(subject, registerRequest(body));
              ObjectNode out = JSON.createObjectNode();
              out.put("id", id);
              return ok(out);
            }
            default:
              return notAllowed(m, path);
          }
        }
        String version = seg.get(3);
        if (n == 4) {
          switch (m) {
            case "GET":
              return ok(versionBody(registry.version(subject, version, flag(params, "deleted")), true));
            case "DELETE":
              SchemaRegistry.parseVersion(version);
              if (!primary.isPrimary()) {
                return forward(req);
              }
              return ok(registry.deleteVersion(subject, version, flag(params, "permanent")));
            default:
              return notAllowed(m, path);
          }
        }
        if (n == 5 && m.equals("GET") && seg.get(4).equals("schema")) {
          VersionEntry v = registry.version(subject, version, flag(params, "deleted"));
          return rawSchema(registry.schema(v.id()));
        }
        if (n == 5 && m.equals("GET") && seg.get(4).equals("referencedby")) {
          registry.version(subject, version, true);
          return ok(List.of());
        }
        return notFound(path);
      }
      case "schemas" -> {
        if (n == 1 && m.equals("GET")) {
          return ok(allSchemas(params));
        }
        if (n == 2 && seg.get(1).equals("types") && m.equals("GET")) {
          return ok(List.of("AVRO"));
        }
        if (n >= 3 && seg.get(1).equals("ids") && m.equals("GET")) {
          int id = parseId(seg.get(2));
          if (n == 3) {
            SchemaEntry e = registry.schema(id);
            String subject = params.get("subject");
            if (subject != null && registry.state().usages(id, true).stream()
                .noneMatch(u -> u.subject().equals(subject))) {
              throw Errors.schemaIdNotFound(id);
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("schema", e.canonical());
            return ok(out);
          }
          if (n == 4) {
            switch (seg.get(3)) {
              case "schema":
                return rawSchema(registry.schema(id));
              case "subjects": {
                List<String> subjects = new ArrayList<>();
                for (RegistryState.Usage u : registry.usages(id, flag(params, "deleted"))) {
                  if (!subjects.contains(u.subject())) {
                    subjects.add(u.subject());
                  }
                }
                return ok(subjects);
              }
              case "versions": {
                ArrayNode arr = JSON.createArrayNode();
                for (RegistryState.Usage u : registry.usages(id, flag(params, "deleted"))) {
                  ObjectNode o = arr.addObject();
                  o.put("subject", u.subject());
                  o.put("version", u.version());
                }
                return ok(arr);
              }
              default:
                return notFound(path);
            }
          }
        }
        return n <= 4 && !m.equals("GET") ? notAllowed(m, path) : notFound(path);
      }
      case "compatibility" -> {
        if (n >= 4 && n <= 5 && seg.get(1).equals("subjects") && seg.get(3).equals("versions")) {
          if (!m.equals("POST")) {
            return notAllowed(m, path);
          }
          JsonNode body = body(req);
          String subject = seg.get(2);
          String schemaText = text(body, "schema");
          rejectUnsupported(body, subject);
          List<String> reasons;
          if (n == 5) {
            reasons = registry.checkCompatibility(subject, seg.get(4), schemaText);
          } else {
            reasons = registry.checkCompatibility(subject, null, schemaText);
          }
          ObjectNode out = JSON.createObjectNode();
          out.put("is_compatible", reasons.isEmpty());
          if (flag(params, "verbose")) {
            ArrayNode msgs = out.putArray("messages");
            reasons.forEach(msgs::add);
          }
          return ok(out);
        }
        return notFound(path);
      }
      case "config" -> {
        if (n > 2) {
          return notFound(path);
        }
        String subject = n == 2 ? seg.get(1) : null;
        switch (m) {
          case "GET": {
            CompatibilityLevel level = subject == null ? registry.globalLevel()
                : registry.subjectLevel(subject, flag(params, "defaultToGlobal"));
            ObjectNode out = JSON.createObjectNode();
            out.put("compatibilityLevel", level.name());
            return ok(out);
          }
          case "PUT": {
            JsonNode body = body(req);
            CompatibilityLevel level = CompatibilityLevel.parse(text(body, "compatibility"));
            if (!primary.isPrimary()) {
              return forward(req);
            }
            registry.setConfig(subject, level);
            ObjectNode out = JSON.createObjectNode();
            out.put("compatibility", level.name());
            return ok(out);
          }
          case "DELETE": {
            CompatibilityLevel previous = subject == null ? registry.globalLevel()
                : registry.subjectLevel(subject, false);
            if (!primary.isPrimary()) {
              return forward(req);
            }
            registry.setConfig(subject, null);
            ObjectNode out = JSON.createObjectNode();
            out.put("compatibilityLevel", previous.name());
            return ok(out);
          }
          default:
            return notAllowed(m, path);
        }
      }
      case "mode" -> {
        if (n > 2) {
          return notFound(path);
        }
        String subject = n == 2 ? seg.get(1) : null;
        switch (m) {
          case "GET": {
            Mode mode = subject == null ? registry.globalMode()
                : registry.subjectMode(subject, flag(params, "defaultToGlobal"));
            ObjectNode out = JSON.createObjectNode();
            out.put("mode", mode.name());
            return ok(out);
          }
          case "PUT": {
            JsonNode body = body(req);
            Mode mode = Mode.parse(text(body, "mode"));
            if (!primary.isPrimary()) {
              return forward(req);
            }
            registry.setMode(subject, mode, flag(params, "force"));
            ObjectNode out = JSON.createObjectNode();
            out.put("mode", mode.name());
            return ok(out);
          }
          case "DELETE": {
            if (subject == null) {
              return notAllowed(m, path);
            }
            Mode previous = registry.subjectMode(subject, false);
            if (!primary.isPrimary()) {
              return forward(req);
            }
            registry.setMode(subject, null, true);
            ObjectNode out = JSON.createObjectNode();
            out.put("mode", previous.name());
            return ok(out);
          }
          default:
            return notAllowed(m, path);
        }
      }
      case "tributary" -> {
        // not in Confluent's API: which node is primary (for operators and tests)
        if (n == 2 && seg.get(1).equals("primary") && m.equals("GET")) {
          ObjectNode out = JSON.createObjectNode();
          out.put("isPrimary", primary.isPrimary());
          String url = primary.primaryUrl();
          if (url == null) {
            out.putNull("primary");
          } else {
            out.put("primary", url);
          }
          out.put("appliedOffset", registry.state().appliedOffset());
          out.put("maxId", registry.state().maxId());
          return ok(out);
        }
        return notFound(path);
      }
      default -> {
        return notFound(path);
      }
    }
  }

  private ArrayNode allSchemas(Map<String, String> params) {
    String prefix = params.get("subjectPrefix");
    boolean deleted = flag(params, "deleted");
    boolean latestOnly = flag(params, "latestOnly");
    ArrayNode arr = JSON.createArrayNode();
    for (String s : registry.subjects(deleted, prefix)) {
      List<VersionEntry> versions = registry.state().versions(s, deleted);
      if (latestOnly && !versions.isEmpty()) {
        versions = versions.subList(versions.size() - 1, versions.size());
      }
      for (VersionEntry v : versions) {
        arr.add(versionBody(v, true));
      }
    }
    return arr;
  }

  private ObjectNode versionBody(VersionEntry v, boolean withSchema) {
    ObjectNode out = JSON.createObjectNode();
    out.put("subject", v.subject());
    out.put("version", v.version());
    out.put("id", v.id());
    if (withSchema) {
      out.put("schema", registry.schema(v.id()).canonical());
    }
    if (v.deleted()) {
      out.put("deleted", true);
    }
    return out;
  }

  private static HttpResult rawSchema(SchemaEntry e) {
    return new HttpResult(200, HttpResult.SR_JSON, e.canonical().getBytes(StandardCharsets.UTF_8));
  }

  private static SchemaRegistry.RegisterRequest registerRequest(JsonNode body) {
    JsonNode refs = body.get("references");
    boolean hasRefs = refs != null && refs.isArray() && refs.size() > 0;
    Integer id = body.hasNonNull("id") ? body.get("id").asInt() : null;
    Integer version = body.hasNonNull("version") ? body.get("version").asInt() : null;
    return new SchemaRegistry.RegisterRequest(text(body, "schema"), text(body, "schemaType"), hasRefs, id, version);
  }

  private static void rejectUnsupported(JsonNode body, String subject) {
    String type = text(body, "schemaType");
    if (type != null && !type.equalsIgnoreCase("AVRO")) {
      throw Errors.invalidSchema("Unsupported schema type '" + type + "' for subject '" + subject
          + "': this registry supports AVRO only");
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode f = body.get(field);
    if (f == null || f.isNull()) {
      return null;
    }
    if (!f.isTextual()) {
      throw new RegistryException(422, 422, "Field '" + field + "' must be a string");
    }
    return f.asText();
  }

  private static JsonNode body(Request req) {
    if (req.body() == null || req.body().length == 0) {
      throw new RegistryException(422, 422, "Request body is empty: send a JSON object");
    }
    JsonNode n;
    try {
      n = JSON.readTree(req.body());
    } catch (IOException e) {
      throw new RegistryException(400, 400, "Invalid JSON in request body: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (n == null || !n.isObject()) {
      throw new RegistryException(422, 422, "Request body must be a JSON object");
    }
    return n;
  }

  private static int parseId(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new RegistryException(404, 404, "HTTP 404 Not Found: schema id '" + text + "' is not a number");
    }
  }

  private static boolean acceptableContentType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return true;
    }
    String ct = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    return ct.equals("application/vnd.schemaregistry.v1+json")
        || ct.equals("application/vnd.schemaregistry+json")
        || ct.equals("application/json")
        || ct.equals("application/octet-stream");
  }

  private static boolean flag(Map<String, String> params, String name) {
    return "true".equalsIgnoreCase(params.get(name));
  }

  private static Map<String, String> parseQuery(String query) {
    Map<String, String> out = new HashMap<>();
    for (String kv : query.split("&")) {
      if (kv.isEmpty()) {
        continue;
      }
      int eq = kv.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  private static HttpResult notFound(String path) {
    return error(404, 404, "HTTP 404 Not Found: no endpoint " + path);
  }

  private static HttpResult notAllowed(String method, String path) {
    return error(405, 405, "HTTP 405 Method Not Allowed: " + method + " " + path);
  }

  private HttpResult forward(Request req) {
    if (req.forwarded()) {
      throw Errors.forwardingFailed("This node is not the primary either (the primary just changed): retry", null);
    }
    String url = primary.primaryUrl();
    if (url == null) {
      throw Errors.unknownLeader("No primary registry node is known right now: retry shortly");
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + req.rawUri()))
        .timeout(Duration.ofMillis(forwardTimeoutMs))
        .header(FORWARDED_HEADER, "1")
        .header("Content-Type", req.contentType() == null ? HttpResult.SR_JSON : req.contentType())
        .method(req.method(), req.body() == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(req.body()));
    if (req.authorization() != null) {
      b.header("Authorization", req.authorization());
    }
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      // read-your-writes on this node too: wait until its own reader has applied the primary's write
      long offset = r.headers().firstValue(HttpResult.OFFSET_HEADER).map(Long::parseLong).orElse(-1L);
      if (offset >= 0) {
        registry.awaitApplied(offset);
      }
      HttpResult answer = new HttpResult(r.statusCode(), r.headers().firstValue("Content-Type").orElse(HttpResult.SR_JSON),
          r.body(), offset);
      java.util.Optional<String> challenge = r.headers().firstValue("WWW-Authenticate");
      return challenge.isPresent() ? answer.withHeader("WWW-Authenticate", challenge.get()) : answer;
    } catch (IOException e) {
      throw Errors.forwardingFailed("Error while forwarding the request to the primary " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.forwardingFailed("Interrupted while forwarding to the primary " + url, e);
    }
  }
}
