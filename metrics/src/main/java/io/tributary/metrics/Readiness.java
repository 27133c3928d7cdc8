package io.tributary.metrics;

import java.util.List;

/**
 * Whether a process is ready to serve (for {@code /health/ready}): the outcome of its named checks, e.g. a
 * broker's "registered", "controller known" and "caught up". Ready when every check passes.
 */
public record Readiness(List<Check> checks) {
  /** One check: its name, whether it passes, and what was seen (shown to the operator). */
  public record Check(String name, boolean ok, String detail) {}

  public Readiness {
    checks = List.copyOf(checks);
  }

  /** The readiness of a process that has nothing to wait for once it answers. */
  public static Readiness alwaysReady() {
    return new Readiness(List.of());
  }

  public boolean ready() {
    return checks.stream().allMatch(Check::ok);
  }

  /** {@code {"status":"UP"|"DOWN","checks":{"name":{"ok":true,"detail":"..."}}}}. */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\"status\":\"").append(ready() ? "UP" : "DOWN").append("\",\"checks\":{");
    for (int i = 0; i < checks.size(); i++) {
      Check c = checks.get(i);
      sb.append(i == 0 ? "" : ",").append(Json.string(c.name())).append(":{\"ok\":").append(c.ok())
          .append(",\"detail\":").append(Json.string(c.detail())).append('}');
    }
    return sb.append("}}").toString();
  }
}
