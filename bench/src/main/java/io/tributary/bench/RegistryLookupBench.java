package io.tributary.bench;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.registry.serde.SerdeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Lookups per second: {@code GET /schemas/ids/{id}} over HTTP (keep-alive, N client threads), and the
 * serdes' cached path (serialize + deserialize, no HTTP). The registry is backed by a 1-broker log
 * cluster in this JVM. Not part of {@code mvn verify}; run it with
 * {@code mvn -o -q -pl schema-registry -am test-compile} then
 * {@code mvn -o -q -pl schema-registry exec:java -Dexec.classpathScope=test -Dexec.cleanupDaemonThreads=false
 * -Dexec.mainClass=io.tributary.registry.RegistryLookupBench [-Dexec.args="SECONDS THREADS"]}.
 */
public final class RegistryLookupBench {
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, Files.createTempDirectory("registry-bench"));
        RegistryServer server = new RegistryServer(new RegistryConfig(Map.of(
            RegistryConfig.LISTENERS, "http://127.0.0.1:0",
            RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(),
            RegistryConfig.TOPIC_RF, "1"))).start()) {
      Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Bench\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"}]}");
      GenericRecord rec = new GenericData.Record(schema);
      rec.put("id", 42L);
      rec.put("name", "benchmark");
      KafkaAvroSerializer ser = new KafkaAvroSerializer();
      ser.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, server.url()), false);
      KafkaAvroDeserializer de = new KafkaAvroDeserializer();
      de.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, server.url()), false);
      byte[] bytes = ser.serialize("bench", rec);
      de.deserialize("bench", bytes);
      int id = ByteBuffer.wrap(bytes, 1, 4).getInt();

      // 1. GET /schemas/ids/{id}
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + "/schemas/ids/" + id)).GET().build();
      for (int i = 0; i < 2000; i++) {
        http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      }
      AtomicLong ok = new AtomicLong();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread th = new Thread(() -> {
          try {
            while (System.nanoTime() < end) {
              if (http.send(req, HttpResponse.BodyHandlers.ofByteArray()).statusCode() != 200) {
                throw new IllegalStateException("lookup failed");
              }
              ok.incrementAndGet();
            }
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
        th.start();
        ts.add(th);
      }
      for (Thread th : ts) {
        th.join();
      }
      System.out.printf("GET /schemas/ids/{id}: %,d lookups in %d s with %d client threads = %,.0f lookups/s%n",
          ok.get(), seconds, threads, ok.get() / (double) seconds);

      // 2. serde cached path, one thread: serialize (id cache) + deserialize (schema cache)
      long requestsBefore = server.requestCount();
      long n = 0;
      long start = System.nanoTime();
      long stop = start + seconds * 1_000_000_000L;
      while (System.nanoTime() < stop) {
        for (int i = 0; i < 1000; i++) {
          de.deserialize("bench", ser.serialize("bench", rec));
        }
        n += 1000;
      }
      double secs = (System.nanoTime() - start) / 1e9;
      System.out.printf("serde cached path: %,d serialize+deserialize in %.1f s = %,.0f round trips/s, %d HTTP calls%n",
          n, secs, n / secs, server.requestCount() - requestsBefore);
      n = 0;
      start = System.nanoTime();
      stop = start + seconds * 1_000_000_000L;
      while (System.nanoTime() < stop) {
        for (int i = 0; i < 1000; i++) {
          ser.serialize("bench", rec);
        }
        n += 1000;
      }
      secs = (System.nanoTime() - start) / 1e9;
      System.out.printf("serializer cached id lookup + encode: %,.0f records/s%n", n / secs);
    }
  }
}
