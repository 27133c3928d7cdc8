package io.tributary.registry.rest;

import static io.tributary.registry.testing.Http.schemaBody;
import static io.tributary.registry.testing.Schemas.field;
import static io.tributary.registry.testing.Schemas.fieldWithDefault;
import static io.tributary.registry.testing.Schemas.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.registry.testing.Http;
import io.tributary.registry.testing.Http.Res;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One test per endpoint and per error code, over real HTTP. Subclasses supply the registry (in-memory
 * store, or the real log cluster). Subjects are unique per test so tests share one registry.
 */
public abstract class AbstractApiTest {

  protected abstract Http http();

  static final String V1 = record("User", field("name", "string"));
  static final String V2 = record("User", field("name", "string"), fieldWithDefault("age", "int", "0"));
  static final String V3_BAD = record("User", field("name", "string"), field("email", "string"));

  static String subject() {
    return "s-" + UUID.randomUUID();
  }

  int register(String subject, String schema) {
    Res r = http().post("/subjects/" + subject + "/versions", schemaBody(schema));
    assertEquals(200, r.status(), r.body());
    return r.json().get("id").asInt();
  }

  static void assertError(Res r, int status, int code) {
    assertEquals(status, r.status(), r.body());
    assertEquals(code, r.errorCode(), r.body());
    assertTrue(r.contentType().startsWith(Http.CT), r.contentType());
    assertFalse(r.json().path("message").asText().isEmpty());
  }

  @Test
  void rootAndTypes() {
    assertEquals(200, http().get("/").status());
    Res t = http().get("/schemas/types");
    assertEquals(200, t.status());
    assertEquals("[\"AVRO\"]", t.body());
  }

  @Test
  void registerIsIdempotentAndCanonical() {
    String s = subject();
    int id = register(s, V1);
    // same schema, other whitespace and key order: same id, no new version
    String v1Spaced = "{ \"namespace\":\"t\", \"name\" : \"User\", \"type\":\"record\", \"fields\":[{\"type\":\"string\",\"name\":\"name\"}] }";
    assertEquals(id, register(s, v1Spaced));
    assertEquals("[1]", http().get("/subjects/" + s + "/versions").body());
    // same schema in another subject: same global id, version 1 there
    String other = subject();
    assertEquals(id, register(other, V1));
    int id2 = register(s, V2);
    assertTrue(id2 > id);
    assertEquals("[1,2]", http().get("/subjects/" + s + "/versions").body());
  }

  @Test
  void getSubjectsAndVersions() {
    String s = subject();
    int id = register(s, V1);
    JsonNode subjects = http().get("/subjects").json();
    assertTrue(subjects.toString().contains(s));
    JsonNode v = http().get("/subjects/" + s + "/versions/1").json();
    assertEquals(s, v.get("subject").asText());
    assertEquals(1, v.get("version").asInt());
    assertEquals(id, v.get("id").asInt());
    assertEquals(V1, v.get("schema").asText());
    assertEquals(1, http().get("/subjects/" + s + "/versions/latest").json().get("version").asInt());
    assertEquals(1, http().get("/subjects/" + s + "/versions/-1").json().get("version").asInt());
    Res raw = http().get("/subjects/" + s + "/versions/latest/schema");
    assertEquals(200, raw.status());
    assertEquals(V1, raw.body());
  }

  @Test
  void schemasById() {
    String s = subject();
    String unique = record("U" + UUID.randomUUID().toString().replace("-", ""), field("u", "string"));
    int id = register(s, unique);
    Res r = http().get("/schemas/ids/" + id);
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith(Http.CT));
    assertEquals(unique, r.json().get("schema").asText());
    assertEquals(unique, http().get("/schemas/ids/" + id + "/schema").body());
    assertEquals("[\"" + s + "\"]", http().get("/schemas/ids/" + id + "/subjects").body());
    JsonNode versions = http().get("/schemas/ids/" + id + "/versions").json();
    assertEquals(s, versions.get(0).get("subject").asText());
    assertEquals(1, versions.get(0).get("version").asInt());
    assertError(http().get("/schemas/ids/999999"), 404, 40403);
    assertError(http().get("/schemas/ids/999999/schema"), 404, 40403);
    assertError(http().get("/schemas/ids/999999/subjects"), 404, 40403);
    assertError(http().get("/schemas/ids/999999/versions"), 404, 40403);
  }

  @Test
  void lookup() {
    String s = subject();
    int id = register(s, V1);
    Res r = http().post("/subjects/" + s, schemaBody(V1));
    assertEquals(200, r.status(), r.body());
    assertEquals(id, r.json().get("id").asInt());
    assertEquals(1, r.json().get("version").asInt());
    assertError(http().post("/subjects/" + s, schemaBody(V2)), 404, 40403);
    assertError(http().post("/subjects/" + subject(), schemaBody(V1)), 404, 40401);
  }

  @Test
  void notFoundErrors() {
    String s = subject();
    assertError(http().get("/subjects/" + s + "/versions"), 404, 40401);
    assertError(http().get("/subjects/" + s + "/versions/1"), 404, 40401);
    register(s, V1);
    assertError(http().get("/subjects/" + s + "/versions/7"), 404, 40402);
    assertError(http().get("/subjects/" + s + "/versions/7/schema"), 404, 40402);
  }

  @Test
  void invalidVersion() {
    String s = subject();
    register(s, V1);
    assertError(http().get("/subjects/" + s + "/versions/abc"), 422, 42202);
    assertError(http().get("/subjects/" + s + "/versions/0"), 422, 42202);
    assertError(http().delete("/subjects/" + s + "/versions/-5"), 422, 42202);
  }

  @Test
  void incompatibleIs409() {
    String s = subject();
    register(s, V1);
    assertError(http().post("/subjects/" + s + "/versions", schemaBody(V3_BAD)), 409, 409);
    assertEquals("[1]", http().get("/subjects/" + s + "/versions").body());
  }

  @Test
  void invalidSchemaIs42201() {
    String s = subject();
    assertError(http().post("/subjects/" + s + "/versions", schemaBody("{\"type\":\"record\",\"name\":")), 422, 42201);
    assertError(http().post("/subjects/" + s + "/versions", schemaBody(record("X", field("a", "NoSuchType")))), 422, 42201);
    assertError(http().post("/subjects/" + s + "/versions",
        "{\"schema\":\"{}\",\"schemaType\":\"PROTOBUF\"}"), 422, 42201);
    assertError(http().post("/subjects/" + s + "/versions",
        "{\"schema\":\"\\\"string\\\"\",\"references\":[{\"name\":\"a\",\"subject\":\"b\",\"version\":1}]}"), 422, 42201);
  }

  @Test
  void compatibilityEndpoint() {
    String s = subject();
    register(s, V1);
    Res ok = http().post("/compatibility/subjects/" + s + "/versions/latest", schemaBody(V2));
    assertEquals(200, ok.status(), ok.body());
    assertTrue(ok.json().get("is_compatible").asBoolean());
    Res bad = http().post("/compatibility/subjects/" + s + "/versions/latest?verbose=true", schemaBody(V3_BAD));
    assertEquals(200, bad.status(), bad.body());
    assertFalse(bad.json().get("is_compatible").asBoolean());
    assertTrue(bad.json().get("messages").size() > 0, bad.body());
    Res all = http().post("/compatibility/subjects/" + s + "/versions", schemaBody(V2));
    assertTrue(all.json().get("is_compatible").asBoolean(), all.body());
    assertError(http().post("/compatibility/subjects/" + s + "/versions/9", schemaBody(V2)), 404, 40402);
    assertError(http().post("/compatibility/subjects/" + subject() + "/versions/latest", schemaBody(V2)), 404, 40401);
    assertError(http().post("/compatibility/subjects/" + s + "/versions/x", schemaBody(V2)), 422, 42202);
  }

  @Test
  void softAndPermanentDeleteOfVersion() {
    String s = subject();
    int id = register(s, V1);
    register(s, V2);
    assertError(http().delete("/subjects/" + s + "/versions/1?permanent=true"), 404, 40407);
    assertEquals("1", http().delete("/subjects/" + s + "/versions/1").body());
    assertError(http().get("/subjects/" + s + "/versions/1"), 404, 40402);
    assertEquals(200, http().get("/subjects/" + s + "/versions/1?deleted=true").status());
    assertEquals("[2]", http().get("/subjects/" + s + "/versions").body());
    assertEquals("[1,2]", http().get("/subjects/" + s + "/versions?deleted=true").body());
    assertError(http().delete("/subjects/" + s + "/versions/1"), 404, 40406);
    // the id still resolves after a soft delete (old data stays readable)
    assertEquals(200, http().get("/schemas/ids/" + id).status());
    assertEquals("1", http().delete("/subjects/" + s + "/versions/1?permanent=true").body());
    assertError(http().get("/subjects/" + s + "/versions/1?deleted=true"), 404, 40402);
  }

  @Test
  void softAndPermanentDeleteOfSubject() {
    String s = subject();
    register(s, V1);
    register(s, V2);
    assertError(http().delete("/subjects/" + s + "?permanent=true"), 404, 40405);
    assertEquals("[1,2]", http().delete("/subjects/" + s).body());
    assertFalse(http().get("/subjects").body().contains(s));
    assertTrue(http().get("/subjects?deleted=true").body().contains(s));
    assertError(http().get("/subjects/" + s + "/versions"), 404, 40401);
    assertError(http().delete("/subjects/" + s), 404, 40404);
    assertEquals("[1,2]", http().delete("/subjects/" + s + "?permanent=true").body());
    assertError(http().delete("/subjects/" + s), 404, 40401);
    // re-registering after a permanent delete starts at version 1 and gets a fresh id
    int again = register(s, record("Fresh", field("z", "long")));
    assertEquals("[1]", http().get("/subjects/" + s + "/versions").body());
    assertTrue(again > 0);
  }

  @Test
  void idsAreNeverReusedAfterPermanentDelete() {
    String s = subject();
    int id = register(s, record("Gone", field("g", "string")));
    http().delete("/subjects/" + s);
    http().delete("/subjects/" + s + "?permanent=true");
    assertError(http().get("/schemas/ids/" + id), 404, 40403);
    int next = register(subject(), record("Newer", field("n", "string")));
    assertTrue(next > id, next + " should be above " + id);
  }

  @Test
  void config() {
    String s = subject();
    assertEquals(200, http().get("/config").status());
    assertTrue(http().get("/config").json().has("compatibilityLevel"));
    assertError(http().get("/config/" + s), 404, 40408);
    assertEquals("BACKWARD", http().get("/config/" + s + "?defaultToGlobal=true").json().get("compatibilityLevel").asText());
    Res put = http().put("/config/" + s, "{\"compatibility\":\"full_transitive\"}");
    assertEquals(200, put.status(), put.body());
    assertEquals("FULL_TRANSITIVE", put.json().get("compatibility").asText());
    assertEquals("FULL_TRANSITIVE", http().get("/config/" + s).json().get("compatibilityLevel").asText());
    assertError(http().put("/config/" + s, "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
    assertError(http().put("/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
    Res del = http().delete("/config/" + s);
    assertEquals(200, del.status(), del.body());
    assertEquals("FULL_TRANSITIVE", del.json().get("compatibilityLevel").asText());
    assertError(http().get("/config/" + s), 404, 40408);
    // a subject-level NONE lets an incompatible schema in
    register(s, V1);
    http().put("/config/" + s, "{\"compatibility\":\"NONE\"}");
    register(s, V3_BAD);
  }

  @Test
  void globalConfigPutAndDelete() {
    Res put = http().put("/config", "{\"compatibility\":\"FORWARD\"}");
    try {
      assertEquals(200, put.status(), put.body());
      assertEquals("FORWARD", http().get("/config").json().get("compatibilityLevel").asText());
    } finally {
      Res del = http().delete("/config");
      assertEquals(200, del.status(), del.body());
    }
    assertEquals("BACKWARD", http().get("/config").json().get("compatibilityLevel").asText());
  }

  @Test
  void mode() {
    String s = subject();
    assertEquals("READWRITE", http().get("/mode").json().get("mode").asText());
    assertError(http().get("/mode/" + s), 404, 40409);
    assertEquals("READWRITE", http().get("/mode/" + s + "?defaultToGlobal=true").json().get("mode").asText());
    register(s, V1);
    assertEquals("READONLY", http().put("/mode/" + s, "{\"mode\":\"READONLY\"}").json().get("mode").asText());
    assertEquals("READONLY", http().get("/mode/" + s).json().get("mode").asText());
    assertError(http().post("/subjects/" + s + "/versions", schemaBody(V2)), 422, 42205);
    assertError(http().delete("/subjects/" + s), 422, 42205);
    assertEquals(200, http().get("/subjects/" + s + "/versions/1").status());
    assertError(http().put("/mode/" + s, "{\"mode\":\"WRITEONLY\"}"), 422, 42204);
    // IMPORT on a subject that has versions needs force=true
    assertError(http().put("/mode/" + s, "{\"mode\":\"IMPORT\"}"), 422, 42205);
    assertEquals("READONLY", http().delete("/mode/" + s).json().get("mode").asText());
    register(s, V2);
  }

  @Test
  void importModeKeepsGivenIds() {
    String s = subject();
    assertEquals(200, http().put("/mode/" + s, "{\"mode\":\"IMPORT\"}").status());
    Res r = http().post("/subjects/" + s + "/versions",
        "{\"schema\":" + new com.fasterxml.jackson.databind.node.TextNode(record("Imp", field("i", "int"))) + ",\"id\":900000,\"version\":3}");
    assertEquals(200, r.status(), r.body());
    assertEquals(900000, r.json().get("id").asInt());
    assertEquals(3, http().get("/subjects/" + s + "/versions/latest").json().get("version").asInt());
    http().delete("/mode/" + s);
    // an id in READWRITE mode is refused
    assertError(http().post("/subjects/" + s + "/versions",
        "{\"schema\":" + new com.fasterxml.jackson.databind.node.TextNode(V1) + ",\"id\":5}"), 422, 42205);
    // new ids continue above imported ones
    assertTrue(register(subject(), record("AfterImport", field("x", "int"))) > 900000);
  }

  @Test
  void badRequests() {
    String s = subject();
    assertError(http().post("/subjects/" + s + "/versions", "{not json"), 400, 400);
    assertError(http().send("POST", "/subjects/" + s + "/versions", schemaBody(V1), "text/plain"), 415, 415);
    assertError(http().post("/subjects/" + s + "/versions", "[1,2]"), 422, 422);
    assertError(http().post("/subjects/" + s + "/versions", "{\"schema\": 5}"), 422, 422);
    assertError(http().post("/subjects/" + s + "/versions", "{}"), 422, 42201);
    String huge = schemaBody(record("Big", fieldWithDefault("f", "string", "\"" + "x".repeat(2 * 1024 * 1024) + "\"")));
    Res big = http().post("/subjects/" + s + "/versions", huge);
    assertError(big, 413, 413);
    assertError(http().get("/nope"), 404, 404);
    assertError(http().put("/subjects", "{}"), 405, 405);
    // plain JSON content type is accepted, and the registry still serves
    assertEquals(200, http().send("POST", "/subjects/" + s + "/versions", schemaBody(V1), "application/json").status());
    assertEquals(200, http().get("/subjects/" + s + "/versions/1").status());
  }
}
