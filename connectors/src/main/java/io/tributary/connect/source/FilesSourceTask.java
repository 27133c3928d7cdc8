package io.tributary.connect.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.connect.Pipeline;
import io.tributary.connect.Sink;
import io.tributary.connect.Source;
import io.tributary.connect.runtime.PipelineMetrics;
import io.tributary.connect.runtime.PipelineRunner.NotRunnableException;
import io.tributary.connect.runtime.PipelineTask;
import io.tributary.connect.runtime.RecordSerializer;
import io.tributary.connect.runtime.SourceProducers;
import io.tributary.connect.runtime.Transforms;
import io.tributary.registry.serde.RegistryClient;
import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code files} source into a {@code topic} sink: the JSON-lines or CSV files of a directory, read as they
 * appear (the directory is listed every {@code poll.interval.ms}), each line produced as one record with an
 * idempotent, acks=all producer, exactly once.
 *
 * <p><b>How exactly once works.</b> Every record carries headers naming its pipeline, file and line
 * ({@link SourceHeaders}). All records of one file go to one partition (chosen from the file name), so the
 * idempotent producer appends them in line order without gaps or duplicates within a run. About once a
 * second the source flushes (everything sent is acknowledged) and writes a checkpoint to the compacted topic
 * {@value SourceOffsets#TOPIC}: each file's position, then the end offsets of its output partitions. On
 * start it reads the last checkpoint, then reads its output partitions from those offsets to their end: the
 * lines found there were written after the checkpoint, so they are not produced again. Nothing is lost
 * (positions move only past acknowledged records) and nothing is produced twice (whatever was acknowledged
 * is either in the checkpoint or found by the scan). A send that fails stops the source at once (the producer
 * is closed without sending what it still holds, so no later line can land after a missing one); the next
 * start recovers from the log as after a crash.
 *
 * <p>Bad lines (malformed JSON, a CSV row with the wrong number of columns, a value Avro cannot hold) go to
 * the dead-letter topic with the reason, file and line in headers when {@code errors.tolerance} is
 * {@code all}; with {@code none} the source stops at the first one, naming file, line and reason, having
 * produced everything before it.
 */
public final class FilesSourceTask implements PipelineTask {
  private static final Logger LOG = LoggerFactory.getLogger(FilesSourceTask.class);
  /** Client overrides starting with this go to the Hadoop configuration (without it), as for the Hudi sink. */
  public static final String HADOOP_PREFIX = "hadoop.";
  /** A line longer than this is bad (it could not be produced as one record). */
  static final int MAX_LINE_BYTES = 512 * 1024;
  /** Flush and checkpoint at least this often while producing. */
  static final long CHECKPOINT_INTERVAL_MS = 1000;

  /** A bad line with {@code errors.tolerance: none}. */
  public static final class BadLineException extends RuntimeException {
    BadLineException(String message) {
      super(message);
    }
  }

  private final Pipeline pipeline;
  private final Source.Files source;
  private final Sink.Topic sink;
  private final Optional<String> deadLetterTopic;
  private final Optional<String> registryUrl;
  private final FileStore store;
  private final Map<String, Object> clientOverrides;

  private final AtomicLong recordsIn = new AtomicLong();
  private final AtomicLong recordsOut = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong droppedByFilter = new AtomicLong();
  private final AtomicLong lastCheckpointMillis = new AtomicLong();
  private final AtomicLong skippedOnRecovery = new AtomicLong();
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
  private final Map<TopicPartition, Long> ackedEnd = new ConcurrentHashMap<>();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile boolean stopping;

  // owned by the run() thread
  private final Map<String, FileProgress> progress = new HashMap<>();
  private final Map<String, FileProgress> dirty = new LinkedHashMap<>();
  private final Set<String> warned = new HashSet<>();
  private Map<TopicPartition, Long> checkpointEnd = new HashMap<>();
  private long lastCheckpointNanos;
  private int sinkPartitions;
  private int deadLetterPartitions;

  private FilesSourceTask(Pipeline pipeline, FileStore store, Map<String, Object> clientOverrides) {
    this.pipeline = pipeline;
    this.source = (Source.Files) pipeline.source();
    this.sink = (Sink.Topic) pipeline.sink();
    this.deadLetterTopic = pipeline.errors().tolerance() == Pipeline.Tolerance.ALL
        ? pipeline.errors().deadLetterTopic() : Optional.empty();
    this.registryUrl = registryUrlSetIn(pipeline) ? Optional.of(pipeline.schema().registryUrl().toString())
        : Optional.empty();
    this.store = store;
    this.clientOverrides = Map.copyOf(pipeline.security().kafkaWith(clientOverrides));
  }

  /**
   * The task for a {@code files -> topic} pipeline.
   *
   * @param clientOverrides extra producer/consumer settings (tests), and Hadoop settings prefixed {@code hadoop.};
   *     idempotence and acks=all stay on
   * @throws NotRunnableException when the pipeline is not files -> topic or its directory cannot be read here
   */
  public static FilesSourceTask create(Pipeline pipeline, Map<String, Object> clientOverrides) {
    if (!(pipeline.source() instanceof Source.Files files)) {
      throw new NotRunnableException(pipeline.file() + ": not a files source");
    }
    if (!(pipeline.sink() instanceof Sink.Topic topic)) {
      throw new NotRunnableException(pipeline.file() + ": a files source writes to a topic sink (sink.type: topic); "
          + "to load files into Hudi, produce them to a topic and run a topic -> hudi pipeline");
    }
    if (pipeline.errors().deadLetterTopic().map(topic.topic()::equals).orElse(false)) {
      throw new NotRunnableException(pipeline.file() + ": errors.dead.letter.topic must differ from sink.topic");
    }
    FileStore store;
    if ("file".equals(files.path().getScheme())) {
      store = new LocalFileStore(Path.of(files.path()));
    } else {
      Configuration conf = new Configuration();
      clientOverrides.forEach((k, v) -> {
        if (k.startsWith(HADOOP_PREFIX)) {
          conf.set(k.substring(HADOOP_PREFIX.length()), String.valueOf(v));
        }
      });
      try {
        store = new HadoopFileStore(files.path(), conf);
      } catch (IOException e) {
        throw new NotRunnableException(pipeline.file() + ": source.path " + files.path() + ": " + e.getMessage());
      }
    }
    return new FilesSourceTask(pipeline, store, clientOverrides);
  }

  /** Whether the file itself sets {@code schema.registry.url}: values are Avro only then (as generator -> topic). */
  static boolean registryUrlSetIn(Pipeline p) {
    try {
      JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(p.file()));
      JsonNode url = tree == null ? null : tree.path("schema").get("registry.url");
      return url != null && !url.isNull();
    } catch (IOException e) {
      throw new NotRunnableException(p.file() + ": cannot re-read the pipeline file: " + e.getMessage());
    }
  }

  @Override
  public String name() {
    return pipeline.name();
  }

  @Override
  public void stop() {
    stopping = true;
    stopRequested.countDown();
  }

  @Override
  public PipelineMetrics metrics() {
    long t = lastCheckpointMillis.get();
    return new PipelineMetrics(recordsIn.get(), recordsOut.get(), deadLettered.get(), droppedByFilter.get(),
        OptionalLong.empty(), t == 0 ? OptionalLong.empty() : OptionalLong.of(t));
  }

  /** Lines found already written by a previous run and not produced again (since this task started). */
  public long skippedOnRecovery() {
    return skippedOnRecovery.get();
  }

  @Override
  public void run() throws Exception {
    Properties producerProps = SourceProducers.properties(sink.bootstrapServers(), pipeline.name(),
        Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * MAX_LINE_BYTES), clientOverrides);
    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sink.bootstrapServers());
    consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "connect-" + pipeline.name() + "-recovery");
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerProps.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * MAX_LINE_BYTES);
    clientOverrides.forEach((k, v) -> {
      if (ConsumerConfig.configNames().contains(k)) {
        consumerProps.put(k, v);
      }
    });
    SourceOffsets offsets = new SourceOffsets(pipeline.name());
    Map<String, Object> adminProps = new HashMap<>(pipeline.security().kafka());
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sink.bootstrapServers());
    try (Admin admin = Admin.create(adminProps);
         RecordSerializer serializer = registryUrl.map(url -> RecordSerializer.avro(pipeline.security().serdeConfigs(url)))
             .orElseGet(RecordSerializer::json);
         KafkaProducer<byte[], byte[]> producer =
             new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
      SourceOffsets.ensureTopic(admin);
      sinkPartitions = producer.partitionsFor(sink.topic()).size();
      deadLetterPartitions = deadLetterTopic.map(t -> producer.partitionsFor(t).size()).orElse(0);
      recover(offsets, consumerProps, producer);
      LOG.info("pipeline {}: files ({}) from {} -> topic {} at {} ({} values{})", pipeline.name(),
          source.format() == Source.FileFormat.JSONL ? "JSON lines"
              : source.csvHeader() ? "CSV with a header" : "CSV without a header",
          store.describe(), sink.topic(), sink.bootstrapServers(), registryUrl.isPresent() ? "Avro" : "JSON",
          deadLetterTopic.map(t -> ", bad lines to " + t).orElse(", bad lines stop the pipeline"));
      try {
        while (!stopping) {
          pollOnce(producer, serializer, offsets);
          if (!stopping) {
            stopRequested.await(source.pollIntervalMs(), TimeUnit.MILLISECONDS);
          }
        }
      } finally {
        if (sendFailure.get() == null) {
          checkpoint(producer, offsets);
        }
      }
      LOG.info("pipeline {}: stopped; {}", pipeline.name(), metrics());
    } finally {
      store.close();
    }
    throwIfSendFailed();
  }

  /** Reads the checkpoint and what was written after it; writes a fresh checkpoint before producing. */
  private void recover(SourceOffsets offsets, Properties consumerProps, Producer<byte[], byte[]> producer)
      throws Exception {
    long t0 = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> c =
             new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      recover(c, offsets, producer, t0);
    }
  }

  private void recover(KafkaConsumer<byte[], byte[]> c, SourceOffsets offsets, Producer<byte[], byte[]> producer,
      long t0) throws Exception {
    SourceOffsets.Checkpoint cp = offsets.load(c);
    List<TopicPartition> outputs = new ArrayList<>();
    for (int p = 0; p < sinkPartitions; p++) {
      outputs.add(new TopicPartition(sink.topic(), p));
    }
    for (int p = 0; p < deadLetterPartitions; p++) {
      outputs.add(new TopicPartition(deadLetterTopic.get(), p));
    }
    Set<TopicPartition> all = new HashSet<>(outputs);
    all.addAll(cp.endOffsets().keySet());
    Map<TopicPartition, Long> ends = new HashMap<>(c.endOffsets(all, Duration.ofMinutes(2)));
    OutputScan.Result scan = OutputScan.scan(c, pipeline.name(), cp.endOffsets(), ends);
    progress.putAll(cp.files());
    scan.found().forEach((file, found) -> progress.merge(file, found, FileProgress::merge));
    LOG.info("pipeline {}: recovered {} file positions from {}{} in {} ms", pipeline.name(), cp.files().size(),
        SourceOffsets.TOPIC, scan.records() == 0 ? ""
            : "; " + scan.records() + " records written after the last checkpoint found in the output topics",
        (System.nanoTime() - t0) / 1_000_000);
    // From now on, anything this pipeline writes lands after these offsets.
    checkpointEnd = new HashMap<>();
    for (TopicPartition tp : outputs) {
      checkpointEnd.put(tp, ends.get(tp));
    }
    dirty.putAll(progress);
    offsets.write(producer, dirty, checkpointEnd);
    dirty.clear();
    lastCheckpointNanos = System.nanoTime();
    lastCheckpointMillis.set(System.currentTimeMillis());
  }

  /** One listing of the directory: every file with unread bytes, by name. */
  private void pollOnce(Producer<byte[], byte[]> producer, RecordSerializer serializer, SourceOffsets offsets)
      throws Exception {
    List<FileStore.Entry> files;
    try {
      files = store.list();
      warned.remove("");
    } catch (FileNotFoundException e) {
      if (warned.add("")) {
        LOG.warn("pipeline {}: {}; waiting for it", pipeline.name(), e.getMessage());
      }
      return;
    }
    Set<String> present = new HashSet<>();
    for (FileStore.Entry f : files) {
      present.add(f.name());
      if (stopping) {
        break;
      }
      FileProgress p = progress.getOrDefault(f.name(), FileProgress.START);
      if (f.size() < p.nextByte()) {
        if (warned.add(f.name())) {
          LOG.warn("pipeline {}: {} is {} bytes but {} were read already: a file must not be rewritten under the "
              + "same name; it is not read again", pipeline.name(), f.name(), f.size(), p.nextByte());
        }
        continue;
      }
      if (f.size() > p.nextByte()) {
        readFile(f, p, producer, serializer, offsets);
      }
    }
    if (!stopping) {
      for (String gone : new ArrayList<>(progress.keySet())) {
        if (!present.contains(gone)) {
          // forgotten: a new file of that name will be read from its start
          progress.remove(gone);
          dirty.put(gone, null);
          warned.remove(gone);
        }
      }
    }
    if (!dirty.isEmpty()) {
      checkpoint(producer, offsets);
    }
  }

  private void readFile(FileStore.Entry f, FileProgress start, Producer<byte[], byte[]> producer,
      RecordSerializer serializer, SourceOffsets offsets) throws Exception {
    LineParser parser = LineParser.forFormat(source.format(), source.csvHeader());
    if (start.nextByte() > 0 && parser.needsFirstLine()) {
      primeWithFirstLine(f, start.nextByte(), parser);
    }
    Transforms transforms = new Transforms(pipeline.transforms());
    int partition = Math.floorMod(f.name().hashCode(), sinkPartitions);
    int dlqPartition = deadLetterPartitions == 0 ? 0 : Math.floorMod(f.name().hashCode(), deadLetterPartitions);
    FileProgress p = start;
    try (InputStream in = store.open(f.name(), start.nextByte())) {
      LineReader reader = new LineReader(new BufferedInputStream(in, 64 * 1024), start.nextByte(),
          start.nextLine(), MAX_LINE_BYTES);
      LineReader.Line line;
      while (!stopping && (line = reader.next()) != null) {
        throwIfSendFailed();
        LineParser.Parsed parsed = parser.parse(line);
        if (parsed instanceof LineParser.Ok ok) {
          recordsIn.incrementAndGet();
          Map<String, Object> record = ok.record();
          if (!transforms.apply(record)) {
            droppedByFilter.incrementAndGet();
          } else {
            byte[] value;
            try {
              value = serializer.serialize(sink.topic(), record);
            } catch (IllegalArgumentException e) {
              value = null;
              parsed = new LineParser.Bad(e.getMessage());
            } catch (RuntimeException e) {
              String refusal = registryRefusal(e);
              if (refusal == null) {
                throw new IllegalStateException("pipeline " + pipeline.name() + ": " + f.name() + " line "
                    + line.number() + ": cannot serialize the record: " + e.getMessage(), e);
              }
              value = null;
              parsed = new LineParser.Bad(refusal);
            }
            if (value != null) {
              if (p.alreadyWritten(line.number(), true)) {
                skippedOnRecovery.incrementAndGet();
              } else {
                send(producer, new ProducerRecord<>(sink.topic(), partition, (byte[]) null, value, headers(f.name(), line, null)),
                    recordsOut);
              }
            }
          }
        }
        if (parsed instanceof LineParser.Bad bad) {
          if (!(p.alreadyWritten(line.number(), false))) {
            if (deadLetterTopic.isEmpty()) {
              progress.put(f.name(), p);
              dirty.put(f.name(), p);
              checkpoint(producer, offsets);
              throw new BadLineException("pipeline " + pipeline.name() + ": " + store.describe() + "/" + f.name()
                  + " line " + line.number() + ": " + bad.reason() + " (errors.tolerance is none: stopped here; "
                  + "fix or remove the line, or set errors.tolerance: all and errors.dead.letter.topic)");
            }
            send(producer, new ProducerRecord<>(deadLetterTopic.get(), dlqPartition, (byte[]) null, line.bytes(),
                headers(f.name(), line, bad.reason())), deadLettered);
          } else {
            skippedOnRecovery.incrementAndGet();
          }
        }
        p = p.advancedTo(line.endByte(), line.number() + 1);
        progress.put(f.name(), p);
        dirty.put(f.name(), p);
        if (System.nanoTime() - lastCheckpointNanos >= CHECKPOINT_INTERVAL_MS * 1_000_000) {
          checkpoint(producer, offsets);
        }
      }
    }
  }

  /**
   * Why the registry refused the record's schema (incompatible with the subject's, or invalid: HTTP 409/422),
   * which makes the line bad; null when the registry could not be asked (that stops the pipeline instead).
   */
  static String registryRefusal(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof RegistryClient.RegistryClientException r
          && (r.status() == 409 || r.status() == 422)) {
        return "the schema registry refused the record's schema: " + r.getMessage();
      }
    }
    return null;
  }

  /** A CSV file read from its middle: its first non-blank line (header or first row) fixes the columns. */
  private void primeWithFirstLine(FileStore.Entry f, long resumeByte, LineParser parser) throws IOException {
    try (InputStream in = store.open(f.name(), 0)) {
      LineReader reader = new LineReader(new BufferedInputStream(in, 64 * 1024), 0, 1, MAX_LINE_BYTES);
      LineReader.Line line;
      while ((line = reader.next()) != null && line.endByte() <= resumeByte) {
        if (!line.blank()) {
          parser.parse(line);
          return;
        }
      }
    }
  }

  private RecordHeaders headers(String file, LineReader.Line line, String reason) {
    RecordHeaders h = new RecordHeaders();
    SourceHeaders.add(h, SourceHeaders.PIPELINE, pipeline.name());
    SourceHeaders.add(h, SourceHeaders.FILE, file);
    SourceHeaders.add(h, SourceHeaders.LINE, Long.toString(line.number()));
    SourceHeaders.add(h, SourceHeaders.BYTE_OFFSET, Long.toString(line.startByte()));
    if (reason != null) {
      SourceHeaders.add(h, SourceHeaders.ERROR_REASON, reason);
      SourceHeaders.add(h, SourceHeaders.CONNECT_CONNECTOR, pipeline.name());
      SourceHeaders.add(h, SourceHeaders.CONNECT_MESSAGE, reason);
    }
    return h;
  }

  private void send(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record, AtomicLong counter) {
    try {
      producer.send(record, (md, e) -> {
        if (e == null) {
          ackedEnd.merge(new TopicPartition(md.topic(), md.partition()), md.offset() + 1, Math::max);
          counter.incrementAndGet();
        } else if (sendFailure.compareAndSet(null, e)) {
          // Nothing after a failed record may land, or a restart would take the gap for done: drop the rest.
          producer.close(Duration.ZERO);
        }
      });
    } catch (IllegalStateException closed) {
      throwIfSendFailed();
      throw closed;
    }
  }

  /** Flushes (every record sent is acknowledged), then records the positions and output end offsets. */
  private void checkpoint(Producer<byte[], byte[]> producer, SourceOffsets offsets) throws Exception {
    producer.flush();
    throwIfSendFailed();
    ackedEnd.forEach((tp, end) -> checkpointEnd.merge(tp, end, Math::max));
    offsets.write(producer, dirty, checkpointEnd);
    dirty.clear();
    lastCheckpointNanos = System.nanoTime();
    lastCheckpointMillis.set(System.currentTimeMillis());
  }

  private void throwIfSendFailed() {
    Exception e = sendFailure.get();
    if (e != null) {
      throw new IllegalStateException("pipeline " + pipeline.name() + ": a send failed, stopped without producing "
          + "the rest (the next start resumes from the log): " + e.getMessage(), e);
    }
  }
}
