package io.tributary.registry.metrics;

import io.tributary.metrics.Readiness;
import io.tributary.metrics.Readiness.Check;
import io.tributary.registry.rest.Primary;
import java.util.List;

/**
 * When a registry node is ready ({@code /health/ready}): it serves only once it has read the schemas topic to its
 * end, so what remains is that a primary is known, to which it forwards writes (itself, or the elected node).
 */
public final class RegistryReadiness {
  private RegistryReadiness() {}

  public static Readiness evaluate(Primary primary) {
    boolean self = primary.isPrimary();
    String url = primary.primaryUrl();
    boolean known = self || url != null;
    return new Readiness(List.of(new Check("primary", known,
        self ? "this node is the primary" : known ? "the primary is " + url : "no primary is elected")));
  }
}
