package io.tributary.connect.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.connect.Pipeline;
import io.tributary.connect.Sink;
import io.tributary.connect.Source;
import io.tributary.connect.Transform;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a validated pipeline standalone. Today: a {@code generator} source into a {@code topic} sink, with the
 * transforms applied to each record; values in Avro through the registry serde when the file sets
 * {@code schema.registry.url}, else JSON. Produces with {@code enable.idempotence=true} and {@code acks=all};
 * keys are the generated {@code key} field as UTF-8 (before transforms).
 *
 * <p>{@link #run()} blocks until {@code records} (or {@code maxRecords}) are produced and acknowledged, or
 * {@link #stop()} is called (from a shutdown hook on SIGTERM, say); it always flushes before returning. A send
 * that fails stops the pipeline ({@code errors.tolerance} and the dead-letter topic are not applied yet) and
 * {@link #run()} throws.
 */
public final class PipelineRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);

  /** Counters of a run; safe to read from any thread. */
  public static final class Metrics {
    /** Records made by the source. */
    public final AtomicLong recordsIn = new AtomicLong();
    /** Records a filter dropped. */
    public final AtomicLong droppedByFilter = new AtomicLong();
    /** Records handed to the producer. */
    public final AtomicLong recordsOut = new AtomicLong();
    /** Records the brokers acknowledged. */
    public final AtomicLong acknowledged = new AtomicLong();
    /** Records whose send failed. */
    public final AtomicLong failed = new AtomicLong();
    /** Wall-clock time of the last acknowledgement, 0 = none yet. */
    final AtomicLong lastAckMillis = new AtomicLong();

    /** Wall-clock time of the last acknowledgement, empty if none yet. */
    public OptionalLong lastAckMillis() {
      long t = lastAckMillis.get();
      return t == 0 ? OptionalLong.empty() : OptionalLong.of(t);
    }

    @Override
    public String toString() {
      return "in=" + recordsIn.get() + " out=" + recordsOut.get() + " acked=" + acknowledged.get()
          + " dropped-by-filter=" + droppedByFilter.get() + " failed=" + failed.get();
    }
  }

  /** A pipeline that cannot run (not built yet, or misconfigured for running). */
  public static final class NotRunnableException extends RuntimeException {
    public NotRunnableException(String message) {
      super(message);
    }
  }

  private final Pipeline pipeline;
  private final Source.Generator source;
  private final Sink.Topic sink;
  private final OptionalLong maxRecords;
  private final Optional<String> registryUrl;
  private final Map<String, Object> producerOverrides;
  private final Metrics metrics = new Metrics();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
  private volatile boolean stopping;
  private long progressIntervalMs = 5000;
  private Consumer<String> progress = LOG::info;

  /**
   * @param maxRecords stop after this many records even if {@code records} is larger or absent
   * @param producerOverrides extra producer settings (tests); idempotence and acks=all cannot be overridden
   */
  public PipelineRunner(Pipeline pipeline, OptionalLong maxRecords, Map<String, Object> producerOverrides) {
    checkRunnable(pipeline);
    this.pipeline = pipeline;
    this.source = (Source.Generator) pipeline.source();
    this.sink = (Sink.Topic) pipeline.sink();
    this.maxRecords = maxRecords;
    this.registryUrl = registryUrlSetIn(pipeline) ? Optional.of(pipeline.schema().registryUrl().toString())
        : Optional.empty();
    this.producerOverrides = Map.copyOf(pipeline.security().kafkaWith(producerOverrides));
    if (registryUrl.isPresent() && !pipeline.schema().subject().equals(sink.topic() + "-value")) {
      throw new NotRunnableException(pipeline.file() + ": schema.subject '" + pipeline.schema().subject()
          + "' is not supported yet: values are registered under '" + sink.topic()
          + "-value' (TopicNameStrategy); remove schema.subject");
    }
    if (registryUrl.isPresent()) {
      checkAvroFieldNames(pipeline, source);
    }
  }

  /** Fails before producing anything when renames would give a field a name Avro does not accept. */
  static void checkAvroFieldNames(Pipeline p, Source.Generator g) {
    Map<String, Object> sample = new GeneratorSource(g.keys(), OptionalLong.empty(), g.seed(), () -> 0L).next();
    // the fields a record can have after the renames and drops (filters only decide whether it is written)
    new Transforms(p.transforms().stream().filter(t -> !(t instanceof Transform.Filter))
        .toList()).apply(sample);
    try {
      RecordSerializer.schemaFor("GeneratedRecord", sample);
    } catch (IllegalArgumentException e) {
      throw new NotRunnableException(p.file() + ": " + e.getMessage());
    }
  }

  /**
   * Throws {@link NotRunnableException} unless the pipeline is generator -> topic, the one this runner runs
   * ({@link PipelineTasks#create} picks the runtime of the others).
   */
  public static void checkRunnable(Pipeline p) {
    if (!(p.source() instanceof Source.Generator) || !(p.sink() instanceof Sink.Topic)) {
      throw new NotRunnableException(p.file() + ": PipelineRunner runs a generator source into a topic sink; "
          + "this pipeline needs PipelineTasks.create");
    }
    if (p.errors().tolerance() == Pipeline.Tolerance.ALL) {
      LOG.warn("{}: errors.tolerance 'all' has no effect on a generator: a failed send stops the pipeline",
          p.file());
    }
  }

  /**
   * Whether the file itself sets {@code schema.registry.url} (the loader fills in a default either way; only
   * an explicit registry switches values to Avro).
   */
  static boolean registryUrlSetIn(Pipeline p) {
    try {
      JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(p.file()));
      JsonNode url = tree == null ? null : tree.path("schema").get("registry.url");
      return url != null && !url.isNull();
    } catch (IOException e) {
      throw new NotRunnableException(p.file() + ": cannot re-read the pipeline file: " + e.getMessage());
    }
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The pipeline's name. */
  public String pipelineName() {
    return pipeline.name();
  }

  /** Whether values are written in Avro (a registry is set), else JSON. */
  public boolean avro() {
    return registryUrl.isPresent();
  }

  /** Where progress lines go (default: the log, every 5 s). */
  public PipelineRunner progress(Consumer<String> sink, long intervalMs) {
    this.progress = sink;
    this.progressIntervalMs = intervalMs;
    return this;
  }

  /** Asks {@link #run()} to stop after the current record; it then flushes and returns. */
  public void stop() {
    stopping = true;
  }

  /** Stops and waits up to {@code timeoutMs} for {@link #run()} to have flushed and returned. */
  public boolean stopAndWait(long timeoutMs) throws InterruptedException {
    stop();
    return finished.await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    stopAndWait(30_000);
  }

  /** Runs to the end ({@code records}, {@code maxRecords}) or until stopped. Returns the metrics. */
  public Metrics run() {
    try {
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sink.bootstrapServers());
      props.put(ProducerConfig.CLIENT_ID_CONFIG, "connect-" + pipeline.name());
      props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
      props.putAll(producerOverrides);
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      try (RecordSerializer serializer = registryUrl.map(url -> RecordSerializer.avro(pipeline.security().serdeConfigs(url)))
          .orElseGet(RecordSerializer::json);
           Producer<String, byte[]> producer =
               new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
        LOG.info("pipeline {}: generator ({} keys, {} records/s, {} records) -> topic {} at {} ({} values)",
            pipeline.name(), source.keys(), source.ratePerSecond(),
            source.records().isPresent() ? source.records().getAsLong() : "unbounded",
            sink.topic(), sink.bootstrapServers(), avro() ? "Avro, registry " + registryUrl.get() : "JSON");
        try {
          loop(producer, serializer);
        } finally {
          producer.flush();
        }
      }
      LOG.info(summary());
      Exception failure = sendFailure.get();
      if (failure != null) {
        throw new IllegalStateException("pipeline " + pipeline.name() + " stopped: a send to topic '"
            + sink.topic() + "' failed: " + failure.getMessage(), failure);
      }
      return metrics;
    } finally {
      finished.countDown();
    }
  }

  private void loop(Producer<String, byte[]> producer, RecordSerializer serializer) {
    GeneratorSource gen = new GeneratorSource(source, System::currentTimeMillis);
    Pacer pacer = new Pacer(source.ratePerSecond(), System::nanoTime);
    Transforms transforms = new Transforms(pipeline.transforms());
    long limit = maxRecords.orElse(Long.MAX_VALUE);
    long nextProgress = System.currentTimeMillis() + progressIntervalMs;
    while (!stopping && sendFailure.get() == null && gen.hasNext() && gen.produced() < limit) {
      if (!pacer.acquire(() -> stopping)) {
        break;
      }
      Map<String, Object> record = gen.next();
      metrics.recordsIn.incrementAndGet();
      String key = (String) record.get("key");
      if (!transforms.apply(record)) {
        metrics.droppedByFilter.incrementAndGet();
        continue;
      }
      byte[] value = serializer.serialize(sink.topic(), record);
      producer.send(new ProducerRecord<>(sink.topic(), key, value), (md, e) -> {
        if (e == null) {
          metrics.acknowledged.incrementAndGet();
          metrics.lastAckMillis.set(System.currentTimeMillis());
        } else {
          metrics.failed.incrementAndGet();
          sendFailure.compareAndSet(null, e);
        }
      });
      metrics.recordsOut.incrementAndGet();
      long now = System.currentTimeMillis();
      if (now >= nextProgress) {
        progress.accept("pipeline " + pipeline.name() + ": " + metrics);
        nextProgress = now + progressIntervalMs;
      }
    }
  }

  /** One line: what was produced, acknowledged, dropped and failed. */
  public String summary() {
    return "pipeline " + pipeline.name() + " -> topic " + sink.topic() + ": " + metrics.recordsIn.get()
        + " records generated, " + metrics.recordsOut.get() + " produced, " + metrics.acknowledged.get()
        + " acknowledged, " + metrics.droppedByFilter.get() + " dropped by filter, " + metrics.failed.get()
        + " failed" + (stopping ? " (stopped)" : "");
  }
}
