package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send a frame's size and then trickle its body hold only their own connections: a producer
 * and a fresh connection's ApiVersions are answered meanwhile. A liveness check, not a performance one.
 */
class TricklingClientsTest {
  static final int TRICKLERS = 50;
  static final int DECLARED_FRAME_BYTES = 1 << 20;
  static final long TRICKLE_EVERY_MS = 100;
  /** Generous: an answer slower than this means the broker is stalled, not slow. */
  static final long ANSWER_WITHIN_MS = 10_000;

  @TempDir Path dir;

  @Test
  void tricklingClientsDoNotStallOthers() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir)) {
      cluster.createTopic("served", 1, 1, Map.of());
      int port = cluster.broker(0).boundPort();
      List<RawConnection> tricklers = new ArrayList<>();
      AtomicBoolean trickling = new AtomicBoolean(true);
      ExecutorService trickler = Executors.newSingleThreadExecutor();
      try {
        for (int i = 0; i < TRICKLERS; i++) {
          RawConnection c = RawConnection.open(port);
          c.write(ByteBuffer.allocate(4).putInt(DECLARED_FRAME_BYTES).array()); // the size, then the body byte by byte
          tricklers.add(c);
        }
        Future<?> trickle = trickler.submit(() -> {
          while (trickling.get()) {
            for (RawConnection c : tricklers) {
              c.write(new byte[] {1});
            }
            Thread.sleep(TRICKLE_EVERY_MS);
          }
          return null;
        });
        Thread.sleep(10 * TRICKLE_EVERY_MS);

        long start = System.nanoTime();
        try (RawConnection fresh = RawConnection.open(port)) {
          assertEquals(Errors.NONE.code(), fresh.apiVersions(1));
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
          RecordMetadata md = producer.send(new ProducerRecord<>("served", "while trickled".getBytes()))
              .get(ANSWER_WITHIN_MS, TimeUnit.MILLISECONDS);
          assertEquals(0, md.offset());
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMs < ANSWER_WITHIN_MS, "served in " + tookMs + " ms beside " + TRICKLERS + " trickling clients");
        assertFalse(trickle.isDone(), "the tricklers were still connected and trickling: " + trickle);
        for (RawConnection c : tricklers) {
          assertFalse(c.closedByBroker(1), "a trickling client is only slow, not refused");
        }
      } finally {
        trickling.set(false);
        trickler.shutdown();
        trickler.awaitTermination(ANSWER_WITHIN_MS, TimeUnit.MILLISECONDS);
        for (RawConnection c : tricklers) {
          c.close();
        }
      }
    }
  }
}
