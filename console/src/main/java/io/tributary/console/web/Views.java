package io.tributary.console.web;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTML: Mustache templates from the jar ({@code io/tributary/console/templates/NAME.mustache}), HTML-escaped
 * unless a template uses triple braces (only for HTML the console itself rendered). Every page is its body
 * template inside {@code layout.mustache}: the navigation, an error banner, the body.
 */
public final class Views {
  /** The navigation, in order: path, label, key that jumps there (see static/console.js). */
  public record NavItem(String path, String label, String key, boolean active) {}

  private static final List<String[]> NAV = List.of(
      new String[] {"/", "Overview", "o"},
      new String[] {"/topics", "Topics", "t"},
      new String[] {"/groups", "Groups", "g"},
      new String[] {"/schemas", "Schemas", "s"},
      new String[] {"/pipelines", "Pipelines", "p"},
      new String[] {"/lake", "Lake", "l"},
      new String[] {"/security", "Security", "u"});

  private final MustacheFactory mustache = new DefaultMustacheFactory("io/tributary/console/templates");

  /** {@code template} alone (an htmx fragment). */
  public String fragment(String template, Map<String, ?> model) {
    Mustache m = mustache.compile(template + ".mustache");
    StringWriter out = new StringWriter();
    m.execute(out, model);
    return out.toString();
  }

  /**
   * A whole page: {@code template} with {@code model} inside the layout; {@code section} is the navigation item
   * to highlight; {@code errors} are shown above the body (a part of the platform that is down).
   */
  public String page(String title, String section, String template, Map<String, ?> model, List<String> errors) {
    Map<String, Object> layout = new HashMap<>();
    layout.put("title", title);
    layout.put("nav", NAV.stream().map(n -> new NavItem(n[0], n[1], n[2], n[0].equals(section))).toList());
    layout.put("errors", errors);
    layout.put("hasErrors", !errors.isEmpty());
    layout.put("body", template == null ? "" : fragment(template, model));
    return fragment("layout", layout);
  }
}
