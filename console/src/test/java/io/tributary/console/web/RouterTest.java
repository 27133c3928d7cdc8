package io.tributary.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterTest {
  private static Response named(String name) {
    return Response.html(name);
  }

  private final Router router = new Router()
      .get("/", r -> named("overview"))
      .get("/topics", r -> named("topics"))
      .get("/topics/{name}", r -> named("topic"))
      .post("/topics/{name}/config", r -> named("config"))
      .get("/schemas/{subject}", r -> named("schema"));

  /** method | raw path | handler | captured segments ('-' for none) */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "GET | / | overview | -",
      "GET | /topics | topics | -",
      "GET | /topics/ | topics | -",
      "GET | /topics/orders | topic | orders",
      "GET | /topics/a%2Fb | topic | a/b",
      "GET | /topics/a+b | topic | a+b",
      "GET | /topics/a%20b | topic | a b",
      "POST | /topics/orders/config | config | orders",
      "GET | /schemas/orders-value | schema | orders-value",
  })
  void matchesAndDecodesSegments(String method, String path, String handler, String segments) throws Exception {
    Router.Match m = router.match(method, path).orElseThrow();
    assertEquals(handler, new String(m.handler().handle(null).body(), StandardCharsets.UTF_8));
    assertEquals(segments.equals("-") ? List.of() : List.of(segments), m.pathParams());
  }

  @ParameterizedTest
  @CsvSource({"GET, /topics/orders/config", "GET, /nothing", "POST, /topics/orders/x"})
  void otherPathsDoNotMatch(String method, String path) {
    assertTrue(router.match(method, path).isEmpty());
  }

  @Test
  void formsDecodeAndLaterFieldsWin() {
    assertEquals(Map.of("a", "1 2", "b", "x=y", "c", ""), Request.parseForm("a=1+2&b=x%3Dy&c&a=1%202"));
  }
}
