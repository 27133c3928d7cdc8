package io.tributary.console.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.console.BadInput;
import io.tributary.console.Unavailable;
import io.tributary.console.web.Paths;
import io.tributary.registry.serde.RegistryClient;
import io.tributary.registry.serde.RegistryClient.RegistryClientException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The schema registry through its Confluent-compatible REST API. */
public final class Schemas {
  /** How long the console waits for the registry. */
  public static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public record SubjectRow(String subject, int versions, int latest, String type, String compatibility) {}

  public record Version(String subject, int version, int id, String type, String schema) {
    /** The schema pretty-printed (Avro and JSON Schema are JSON), so that a diff shows fields line by line. */
    public String pretty() {
      try {
        return JSON.writeValueAsString(JSON.readTree(schema));
      } catch (IOException e) {
        return schema; // Protobuf: already lines
      }
    }
  }

  /** The outcome of checking a schema against a subject: the registry's reasons when it is not compatible. */
  public record Check(boolean compatible, List<String> messages) {}

  private final String url;
  private final RegistryClient client;

  public Schemas(String url) {
    this(url, new RegistryClient(url, TIMEOUT));
  }

  /** Through {@code client}, which may carry the registry's credentials and trust store. */
  public Schemas(String url, RegistryClient client) {
    this.url = url;
    this.client = client;
  }

  public List<SubjectRow> subjects() {
    List<SubjectRow> rows = new ArrayList<>();
    for (JsonNode s : call("GET", "/subjects", null)) {
      String subject = s.asText();
      List<Integer> versions = versions(subject);
      Version latest = version(subject, versions.get(versions.size() - 1));
      rows.add(new SubjectRow(subject, versions.size(), latest.version(), latest.type(), compatibility(subject)));
    }
    rows.sort((a, b) -> a.subject().compareTo(b.subject()));
    return rows;
  }

  public List<Integer> versions(String subject) {
    List<Integer> out = new ArrayList<>();
    call("GET", "/subjects/" + Paths.segment(subject) + "/versions", null).forEach(v -> out.add(v.asInt()));
    return out;
  }

  public Version version(String subject, int version) {
    JsonNode n = call("GET", "/subjects/" + Paths.segment(subject) + "/versions/" + version, null);
    return new Version(subject, n.path("version").asInt(), n.path("id").asInt(),
        n.path("schemaType").asText("AVRO"), n.path("schema").asText());
  }

  /** The subject's level, or the global one it falls back to. */
  public String compatibility(String subject) {
    return call("GET", "/config/" + Paths.segment(subject) + "?defaultToGlobal=true", null)
        .path("compatibilityLevel").asText();
  }

  public void setCompatibility(String subject, String level) {
    ObjectNode body = JSON.createObjectNode().put("compatibility", level);
    call("PUT", "/config/" + Paths.segment(subject), body);
  }

  /** Whether {@code schema} (Avro) could be registered under {@code subject} as its next version. */
  public Check check(String subject, String schema) {
    ObjectNode body = JSON.createObjectNode().put("schema", schema);
    JsonNode n = call("POST", "/compatibility/subjects/" + Paths.segment(subject) + "/versions/latest?verbose=true",
        body);
    List<String> messages = new ArrayList<>();
    n.path("messages").forEach(m -> messages.add(m.asText()));
    return new Check(n.path("is_compatible").asBoolean(), messages);
  }

  /** The registry's answer; an error it returned is bad input (its message kept), no answer means it is down. */
  private JsonNode call(String method, String path, JsonNode body) {
    try {
      return client.call(method, path, body);
    } catch (RegistryClientException e) {
      throw new BadInput("the schema registry said: " + e.getMessage());
    } catch (IOException e) {
      throw new Unavailable("the schema registry at " + url + " did not answer: is it running? ("
          + e.getMessage() + ")", e);
    }
  }
}
