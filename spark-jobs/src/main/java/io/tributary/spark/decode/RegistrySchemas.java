package io.tributary.spark.decode;

import io.tributary.registry.serde.RegistryClient;
import io.tributary.registry.serde.RegistryClient.RegistryClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;

/**
 * Writer schemas from the registry, cached for the life of the JVM: one fetch per id per executor, shared
 * by every task and every micro-batch that runs there (ids are immutable in a registry, so the cache never
 * goes stale). An id the registry does not know is remembered as unknown too.
 */
public final class RegistrySchemas implements SchemaSource {
  /** Confluent's error code for "schema not found". */
  static final int SCHEMA_NOT_FOUND = 40403;

  private static final Map<String, RegistrySchemas> BY_URL = new ConcurrentHashMap<>();

  private final String url;
  private final RegistryClient client;
  private final Map<Integer, Optional<Schema>> byId = new ConcurrentHashMap<>();
  private final AtomicLong fetches = new AtomicLong();

  private RegistrySchemas(String url, Map<String, String> clientConfigs) {
    this.url = url;
    this.client = new RegistryClient(url, java.time.Duration.ofSeconds(30), clientConfigs);
  }

  /** The JVM's cache for the registry at {@code url}. */
  public static RegistrySchemas of(String url) {
    return of(url, Map.of());
  }

  /** The JVM's cache for the registry at {@code url} reached with these client keys (basic.auth.*, ssl). */
  public static RegistrySchemas of(String url, Map<String, String> clientConfigs) {
    // one cache per url and credentials: the ids are the registry's, but who may read them is not ours to mix
    return BY_URL.computeIfAbsent(url + "\u0000" + new java.util.TreeMap<>(clientConfigs),
        k -> new RegistrySchemas(url, clientConfigs));
  }

  @Override
  public Optional<Schema> byId(int id) throws IOException {
    Optional<Schema> cached = byId.get(id);
    if (cached != null) {
      return cached;
    }
    try {
      // computeIfAbsent: concurrent tasks asking for the same new id wait for one fetch
      return byId.computeIfAbsent(id, this::fetch);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private Optional<Schema> fetch(int id) {
    fetches.incrementAndGet();
    try {
      return Optional.of(new Schema.Parser().parse(client.schemaById(id)));
    } catch (RegistryClientException e) {
      if (e.status() == 404 || e.errorCode() == SCHEMA_NOT_FOUND) {
        return Optional.empty();
      }
      throw new UncheckedIOException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many times this JVM asked the registry for a schema (tests check the cache with it). */
  public long fetches() {
    return fetches.get();
  }

  @Override
  public String describe() {
    return "the registry at " + url;
  }
}
