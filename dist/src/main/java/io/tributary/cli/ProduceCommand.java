package io.tributary.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tributary produce TOPIC}: lines from stdin (or {@code --value}) as records. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Produce records from stdin lines or --value.",
      "One record per line of stdin, or one per --value. Idempotent with acks=all by default.",
      "With --key-separator, the text before the first separator is the key.",
      "With --schema-file or --schema-id, each value is Avro JSON, sent in the schema registry's wire format",
      "under the subject TOPIC-value (the file's schema is registered; an id's must be registered there)."
    })
final class ProduceCommand implements Callable<Integer> {
  /** Records in flight before waiting for the oldest one (bounds memory when stdin is large). */
  static final int MAX_IN_FLIGHT_RECORDS = 1000;

  @Spec CommandSpec spec;

  @Mixin Kafka.BootstrapOption cluster = new Kafka.BootstrapOption();

  @Parameters(paramLabel = "TOPIC", description = "Topic to produce to.")
  String topic;

  @Option(names = {"-k", "--key-separator"}, paramLabel = "SEP",
      description = "Split each line at the first SEP into key and value (default: no key).")
  String keySeparator;

  @Option(names = "--acks", defaultValue = "all",
      description = "all (default, idempotent), 1 or 0.")
  String acks;

  @Option(names = "--value", paramLabel = "TEXT", description = "A record to produce instead of reading stdin (repeatable).")
  List<String> values = new ArrayList<>();

  @Option(names = {"-p", "--partition"}, description = "Partition to write to (default: by key, or spread).")
  Integer partition;

  @Option(names = {"-v", "--verbose"}, description = "Print topic-partition@offset for every record.")
  boolean verbose;

  @Option(names = {"-H", "--header"}, paramLabel = "KEY=VALUE",
      description = "A header on every record (repeatable; a key may repeat, as in Kafka).")
  List<String> headers = new ArrayList<>();

  static final class ValueSchema {
    @Option(names = "--schema-file", paramLabel = "FILE", description = "Avro schema (.avsc) of the values.")
    Path file;

    @Option(names = "--schema-id", paramLabel = "ID", description = "Id of a registered Avro schema of the values.")
    Integer id;
  }

  @ArgGroup(exclusive = true)
  ValueSchema valueSchema;

  @Mixin RegistryOption registry = new RegistryOption();

  private List<Header> recordHeaders = List.of();
  private AvroLineEncoder avro;
  private long lineNumber;

  @Override
  public Integer call() throws Exception {
    if (!List.of("all", "-1", "1", "0").contains(acks)) {
      throw new CliException("--acks must be all, 1 or 0, got " + acks, 2);
    }
    if (keySeparator != null && keySeparator.isEmpty()) {
      throw new CliException("--key-separator must not be empty", 2);
    }
    recordHeaders = headers(headers);
    if (valueSchema != null) {
      avro = valueSchema.file != null
          ? new AvroLineEncoder(readSchema(valueSchema.file), registry, true)
          : AvroLineEncoder.forSchemaId(valueSchema.id, registry);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean idempotent = acks.equals("all") || acks.equals("-1");
    Properties p = cluster.clientProperties();
    p.put(ProducerConfig.ACKS_CONFIG, acks);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotent));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(cluster.requestTimeoutMs));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(cluster.requestTimeoutMs * 3));
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    long count = 0;
    Deque<Future<RecordMetadata>> inFlight = new ArrayDeque<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      if (!values.isEmpty()) {
        for (String v : values) {
          inFlight.add(producer.send(record(v)));
          count++;
          drain(inFlight, MAX_IN_FLIGHT_RECORDS, out);
        }
      } else {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
          inFlight.add(producer.send(record(line)));
          count++;
          drain(inFlight, MAX_IN_FLIGHT_RECORDS, out);
        }
      }
      producer.flush();
      drain(inFlight, 0, out);
      producer.close(Duration.ofMillis(cluster.requestTimeoutMs));
    }
    err.println("produced " + count + " record" + (count == 1 ? "" : "s") + " to topic " + topic);
    err.flush();
    return 0;
  }

  private static List<Header> headers(List<String> specs) {
    List<Header> out = new ArrayList<>();
    for (String h : specs) {
      int eq = h.indexOf('=');
      if (eq <= 0) {
        throw new CliException("--header must be KEY=VALUE, got " + h, 2);
      }
      out.add(new RecordHeader(h.substring(0, eq), h.substring(eq + 1).getBytes(StandardCharsets.UTF_8)));
    }
    return List.copyOf(out);
  }

  private static String readSchema(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException("--schema-file: file not found: " + file, 2);
    }
  }

  private ProducerRecord<String, byte[]> record(String line) {
    lineNumber++;
    String key = null;
    String value = line;
    if (keySeparator != null) {
      int at = line.indexOf(keySeparator);
      if (at >= 0) {
        key = line.substring(0, at);
        value = line.substring(at + keySeparator.length());
      }
    }
    byte[] bytes = avro != null ? avro.encode(topic, value, lineNumber) : value.getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(topic, partition, null, key, bytes, recordHeaders);
  }

  /** Waits for the oldest records until at most {@code keep} are in flight; the first failure ends the run. */
  private void drain(Deque<Future<RecordMetadata>> inFlight, int keep, PrintWriter out) throws InterruptedException {
    while (inFlight.size() > keep) {
      try {
        RecordMetadata m = inFlight.removeFirst().get();
        if (verbose) {
          out.println(m.topic() + "-" + m.partition() + "@" + m.offset());
          out.flush();
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof TimeoutException) {
          throw new CliException("cannot produce to topic " + topic + ": " + cause.getMessage()
              + " (is the cluster running at " + cluster.bootstrap + " and does the topic exist? try ./tributary topic"
              + " list)");
        }
        throw new CliException("cannot produce to topic " + topic + ": " + Errors.message(cause), cause);
      }
    }
  }
}
