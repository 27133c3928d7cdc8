package io.tributary.console.web;

import io.tributary.console.BadInput;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as the pages see it: method, path, the captured path parameters, and the query and form
 * parameters (form fields override query fields of the same name).
 */
public record Request(String method, String path, List<String> pathParams, Map<String, String> params) {

  /** The longest form body read; a produce form or a schema is far smaller. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  public Request {
    pathParams = List.copyOf(pathParams);
    params = Map.copyOf(params);
  }

  /** Parses {@code application/x-www-form-urlencoded} text; later duplicates win. */
  public static Map<String, String> parseForm(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  public String pathParam(int i) {
    return pathParams.get(i);
  }

  /** The parameter, empty when absent or blank. */
  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name)).filter(v -> !v.isBlank());
  }

  public String param(String name, String orElse) {
    return param(name).orElse(orElse);
  }

  /** A parameter that must be present. */
  public String required(String name) {
    return param(name).orElseThrow(() -> new BadInput("'" + name + "' is required"));
  }

  /** A whole-number parameter, {@code orElse} when absent; a clear error when not a number. */
  public long longParam(String name, long orElse) {
    Optional<String> v = param(name);
    if (v.isEmpty()) {
      return orElse;
    }
    try {
      return Long.parseLong(v.get().strip());
    } catch (NumberFormatException e) {
      throw new BadInput("'" + name + "' must be a whole number, got '" + v.get() + "'");
    }
  }

  public boolean isPost() {
    return method.equals("POST");
  }
}
