package io.tributary.console.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Paths to handlers. A path template's {@code {name}} segments match one URL-decoded path segment each and are
 * handed to the handler in order; the first route that matches wins.
 */
public final class Router {
  private record Route(String method, Pattern pattern, Handler handler) {}

  /** A handler and the path segments its template captured. */
  public record Match(Handler handler, List<String> pathParams) {}

  private final List<Route> routes = new ArrayList<>();

  public Router get(String template, Handler handler) {
    return add("GET", template, handler);
  }

  public Router post(String template, Handler handler) {
    return add("POST", template, handler);
  }

  private Router add(String method, String template, Handler handler) {
    routes.add(new Route(method, compile(template), handler));
    return this;
  }

  static Pattern compile(String template) {
    StringBuilder regex = new StringBuilder("^");
    for (String segment : template.split("/", -1)) {
      if (segment.isEmpty()) {
        continue;
      }
      regex.append('/').append(segment.startsWith("{") && segment.endsWith("}") ? "([^/]+)" : Pattern.quote(segment));
    }
    return Pattern.compile(regex.append(template.endsWith("/") && template.length() > 1 ? "/$" : "/?$").toString());
  }

  /** The route for {@code method} and the (still encoded) {@code rawPath}. */
  public Optional<Match> match(String method, String rawPath) {
    for (Route r : routes) {
      Matcher m = r.pattern().matcher(rawPath);
      if (r.method().equals(method) && m.matches()) {
        List<String> params = new ArrayList<>();
        for (int i = 1; i <= m.groupCount(); i++) {
          params.add(Paths.decodeSegment(m.group(i)));
        }
        return Optional.of(new Match(r.handler(), params));
      }
    }
    return Optional.empty();
  }

  /** Whether some route has {@code rawPath} for another method (405 rather than 404). */
  public boolean knowsPath(String rawPath) {
    return routes.stream().anyMatch(r -> r.pattern().matcher(rawPath).matches());
  }
}
