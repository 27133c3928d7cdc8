package io.tributary.registry.rest;

import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.store.InMemoryLogStore;
import io.tributary.registry.testing.Http;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The API tests against a registry over real HTTP backed by the in-memory log (no broker). */
class InMemoryApiTest extends AbstractApiTest {
  static RegistryServer server;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    server = new RegistryServer(new RegistryConfig(Map.of(RegistryConfig.LISTENERS, "http://127.0.0.1:0")),
        new InMemoryLogStore()).start();
    http = new Http(server.url());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Override
  protected Http http() {
    return http;
  }
}
