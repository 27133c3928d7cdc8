package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structure-aware fuzzing of every API and version the broker advertises in ApiVersions: a seed per (API,
 * version) built from kafka-clients' own request classes ({@link RequestSeeds}), then bit flips, truncation,
 * huge length fields and array counts, varint edge cases, bodies read at another version and raw bytes
 * ({@link Mutations}), sent over a few connections. First every unmutated seed must be answered (a new API in
 * ApiVersions without a working seed fails here, named); then, while fuzzing and after, a fresh connection's
 * ApiVersions is answered, the heap stays bounded, and a normal producer is served. Seeded; the seed is
 * printed (rerun one with -Dfuzz.seed=N; a longer run with -Dfuzz.frames=N, or -Pfuzz for 10^6).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FuzzedFramesTest {
  /** Frames per run; a longer run with -Dfuzz.frames=N. */
  static final int FRAMES = Integer.getInteger("fuzz.frames", 10_000);
  static final int CONNECTIONS = 4;
  static final int CHECK_EVERY_FRAMES = 1_000;
  static final int MAX_REQUEST_BYTES = 1 << 20;
  /** Generous: a fresh ApiVersions slower than this means the broker stopped answering. */
  static final long ANSWER_WITHIN_MS = 10_000;
  /** How much more heap the broker may hold after fuzzing than before (a leak per frame would exceed it). */
  static final long HEAP_GROWTH_LIMIT_BYTES = 256L << 20;
  /** Connections answering the coverage seeds at once (the machine has few cores). */
  static final int COVERAGE_THREADS = 4;
  static final String TOPIC = "fuzz";
  static final String GROUP = "fuzz-group";
  static final String TRANSACTIONAL_ID = "fuzz-txn";

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static int port;
  static RequestSeeds seeds;
  /** What ApiVersions advertises: API → [min, max]. */
  static Map<ApiKeys, short[]> advertised;

  @BeforeAll
  static void start() throws Exception {
    // One broker: the coordinators' topics with one replica (and one partition, so they load quickly).
    cluster = EmbeddedCluster.start(1, dir, Map.of("socket.request.max.bytes", Integer.toString(MAX_REQUEST_BYTES),
        "offsets.topic.replication.factor", "1", "offsets.topic.num.partitions", "1",
        "transaction.state.log.replication.factor", "1", "transaction.state.log.num.partitions", "1",
        "transaction.state.log.min.isr", "1",
        // A new group's first JoinGroup is answered at once, not after Kafka's 3 s wait for more members.
        "group.initial.rebalance.delay.ms", "0"));
    cluster.createTopic(TOPIC, 1, 1, Map.of());
    port = cluster.broker(0).boundPort();
    Uuid topicId;
    try (Admin admin = cluster.admin()) {
      topicId = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).topicId();
    }
    InitProducerIdResponseData producer = initTransactionalProducer();
    seeds = new RequestSeeds(new RequestSeeds.Targets(TOPIC, topicId, GROUP, TRANSACTIONAL_ID,
        producer.producerId(), producer.producerEpoch()));
    advertised = advertised();
    int pairs = advertised.values().stream().mapToInt(r -> r[1] - r[0] + 1).sum();
    System.out.println("FuzzedFramesTest: the broker advertises " + advertised.size() + " APIs, " + pairs
        + " (API, version) pairs");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void everyAdvertisedApiVersionHasASeedTheBrokerAnswers() throws Exception {
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(COVERAGE_THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Map.Entry<ApiKeys, short[]> e : advertised.entrySet()) {
        done.add(pool.submit(() -> answerEverySeed(e.getKey(), e.getValue(), failures)));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> sorted = new ArrayList<>(failures);
    Collections.sort(sorted);
    assertTrue(sorted.isEmpty(), "advertised (API, version) pairs whose seed the broker did not answer: " + sorted);
  }

  /** Sends each version's seed on one connection and waits for its answer; a new connection after a close. */
  private static void answerEverySeed(ApiKeys api, short[] range, List<String> failures) {
    RawConnection connection = null;
    try {
      for (short v = range[0]; v <= range[1]; v++) {
        int correlationId = 1_000 * api.id + v;
        ByteBuffer frame;
        try {
          frame = seeds.frame(api, v, correlationId);
        } catch (RuntimeException noSeed) {
          failures.add(api + " v" + v + ": no seed (" + noSeed + ")");
          continue;
        }
        try {
          if (connection == null) {
            connection = RawConnection.open(port);
          }
          connection.sendFrame(frame);
          int answered;
          do {
            answered = connection.readFrame().getInt(0);
          } while (answered != correlationId);
        } catch (IOException notAnswered) {
          failures.add(api + " v" + v + ": not answered (" + notAnswered + ")");
          closeQuietly(connection);
          connection = null;
        }
      }
    } finally {
      closeQuietly(connection);
    }
  }

  @Test
  @Order(2)
  void mutatedRequestsNeverStopTheBrokerAnswering() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("FuzzedFramesTest seed " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
    Random random = new Random(seed);
    List<List<ByteBuffer>> templates = templates();
    long heapBefore = usedHeapAfterGc();
    long start = System.nanoTime();
    FuzzConnection[] connections = new FuzzConnection[CONNECTIONS];
    int reconnects = 0;
    try {
      for (int i = 0; i < FRAMES; i++) {
        // An API, then one of its versions: APIs with many versions do not crowd out the others.
        List<ByteBuffer> versions = templates.get(random.nextInt(templates.size()));
        byte[] frame = Mutations.mutate(versions.get(random.nextInt(versions.size())), random);
        int c = i % CONNECTIONS;
        if (connections[c] == null || !connections[c].send(frame)) {
          if (connections[c] != null) {
            connections[c].close();
          }
          connections[c] = new FuzzConnection(port);
          connections[c].send(frame);
          reconnects++;
        }
        if (i % CHECK_EVERY_FRAMES == 0) {
          assertFreshApiVersionsAnswered("after " + i + " frames, seed " + seed);
        }
      }
    } finally {
      for (FuzzConnection c : connections) {
        if (c != null) {
          c.close();
        }
      }
    }
    assertFreshApiVersionsAnswered("after all " + FRAMES + " frames, seed " + seed);
    long heapGrowth = usedHeapAfterGc() - heapBefore;
    System.out.println("FuzzedFramesTest: " + FRAMES + " frames over " + templates.size() + " APIs in "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms, " + reconnects
        + " connections (the broker closes one on a malformed frame), heap growth " + (heapGrowth >> 20) + " MiB");
    assertTrue(heapGrowth < HEAP_GROWTH_LIMIT_BYTES,
        "heap grew by " + (heapGrowth >> 20) + " MiB over " + FRAMES + " frames, seed " + seed);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      long offset = producer.send(new ProducerRecord<>(TOPIC, "after fuzzing".getBytes()))
          .get(ANSWER_WITHIN_MS, TimeUnit.MILLISECONDS).offset();
      assertTrue(offset >= 0, "a normal producer is served after fuzzing, seed " + seed);
    }
  }

  /** Per advertised API, the seed of each advertised version. */
  private static List<List<ByteBuffer>> templates() {
    List<List<ByteBuffer>> t = new ArrayList<>();
    advertised.forEach((api, range) -> {
      List<ByteBuffer> versions = new ArrayList<>();
      for (short v = range[0]; v <= range[1]; v++) {
        versions.add(seeds.frame(api, v, 7));
      }
      t.add(versions);
    });
    return t;
  }

  private static void assertFreshApiVersionsAnswered(String when) throws IOException {
    long start = System.nanoTime();
    try (RawConnection fresh = RawConnection.open(port)) {
      assertEquals(Errors.NONE.code(), fresh.apiVersions(1), when);
    }
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMs < ANSWER_WITHIN_MS, "ApiVersions answered in " + tookMs + " ms " + when);
  }

  /** The (API, version) ranges the broker advertises, read from its ApiVersions answer. */
  private static Map<ApiKeys, short[]> advertised() throws IOException {
    try (RawConnection c = RawConnection.open(port)) {
      c.sendFrame(RawConnection.request(ApiKeys.API_VERSIONS, 3,
          new ApiVersionsRequestData().setClientSoftwareName("fuzz").setClientSoftwareVersion("1"), 1));
      ByteBuffer response = c.readFrame();
      ResponseHeader.parse(response, (short) 0);
      ApiVersionsResponseData data = new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 3);
      Map<ApiKeys, short[]> out = new TreeMap<>();
      data.apiKeys().forEach(k -> out.put(ApiKeys.forId(k.apiKey()), new short[] {k.minVersion(), k.maxVersion()}));
      return out;
    }
  }

  /** A live transactional producer id and epoch, so transactional seeds name a real producer. */
  private static InitProducerIdResponseData initTransactionalProducer() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (RawConnection c = RawConnection.open(port)) {
        // As a client does: FindCoordinator first (it creates the transaction state topic), then InitProducerId.
        c.sendFrame(RawConnection.request(ApiKeys.FIND_COORDINATOR, 4, new FindCoordinatorRequestData()
            .setKeyType((byte) 1).setCoordinatorKeys(List.of(TRANSACTIONAL_ID)), 1));
        c.readFrame();
        c.sendFrame(RawConnection.request(ApiKeys.INIT_PRODUCER_ID, 4, new InitProducerIdRequestData()
            .setTransactionalId(TRANSACTIONAL_ID).setTransactionTimeoutMs(60_000), 1));
        ByteBuffer response = c.readFrame();
        ResponseHeader.parse(response, ApiKeys.INIT_PRODUCER_ID.responseHeaderVersion((short) 4));
        InitProducerIdResponseData data = new InitProducerIdResponseData(new ByteBufferAccessor(response), (short) 4);
        Errors error = Errors.forCode(data.errorCode());
        if (error == Errors.NONE) {
          return data;
        }
        if (!(error.exception() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw new AssertionError("InitProducerId for " + TRANSACTIONAL_ID + " failed: " + error);
        }
      }
      Thread.sleep(100); // retrying a coordinator that is still loading, as clients do
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void closeQuietly(RawConnection c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  /** A connection that only writes frames; a thread drains (and ignores) whatever the broker answers. */
  private static final class FuzzConnection implements AutoCloseable {
    final Socket socket;
    final OutputStream out;
    /** Set when the broker closed it: frames written after that would reach nobody. */
    volatile boolean closedByBroker;

    FuzzConnection(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      Thread drain = new Thread(() -> {
        byte[] sink = new byte[8192];
        try {
          while (in.read(sink) >= 0) {
            // answers are not checked: the fresh connection's ApiVersions is
          }
        } catch (IOException closed) {
          // the broker or the test closed the connection
        }
        closedByBroker = true;
      }, "fuzz-drain");
      drain.setDaemon(true);
      drain.start();
    }

    /** Writes one frame with its size prefix; false when the broker has closed the connection. */
    boolean send(byte[] frame) {
      if (closedByBroker) {
        return false;
      }
      try {
        out.write(ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).array());
        out.flush();
        return true;
      } catch (IOException closed) {
        return false;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
