package io.tributary.registry.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's URL list and its failover when no registry answers. Calls to a live registry are tested against a
 * real server in schema-registry (SerdeTest, and the connectors' and spark-jobs' integration tests).
 */
class RegistryClientTest {

  @ParameterizedTest
  @ValueSource(strings = {"", " ", ",", " , ,"})
  void anEmptyUrlListIsRefused(String urls) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RegistryClient(urls));
    assertEquals("schema.registry.url is empty", e.getMessage());
  }

  /** Every URL is tried in turn (trimmed, without its trailing slash); the error lists them all. */
  @Test
  void eachUrlIsTriedThenAllAreNamed() {
    String first = DeadRegistry.url();
    String second = DeadRegistry.url();
    RegistryClient client = new RegistryClient(" " + first + "/ ,, " + second);
    IOException e = assertThrows(IOException.class, () -> client.schemaById(1));
    assertTrue(e.getMessage().startsWith("No schema registry reachable at [" + first + ", " + second + "]: "),
        e.getMessage());
  }
}
