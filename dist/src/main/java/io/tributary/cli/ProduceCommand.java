package io.tributary.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
import org.apache.kafka.common.serialization.StringSerializer;
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
      "With --key-separator, the text before the first separator is the key."
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

  @Override
  public Integer call() throws Exception {
    if (!List.of("all", "-1", "1", "0").contains(acks)) {
      throw new CliException("--acks must be all, 1 or 0, got " + acks, 2);
    }
    if (keySeparator != null && keySeparator.isEmpty()) {
      throw new CliException("--key-separator must not be empty", 2);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean idempotent = acks.equals("all") || acks.equals("-1");
    Properties p = Kafka.common(cluster.bootstrap, cluster.requestTimeoutMs);
    p.put(ProducerConfig.ACKS_CONFIG, acks);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotent));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(cluster.requestTimeoutMs));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(cluster.requestTimeoutMs * 3));
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    long count = 0;
    Deque<Future<RecordMetadata>> inFlight = new ArrayDeque<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
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

  private ProducerRecord<String, String> record(String line) {
    String key = null;
    String value = line;
    if (keySeparator != null) {
      int at = line.indexOf(keySeparator);
      if (at >= 0) {
        key = line.substring(0, at);
        value = line.substring(at + keySeparator.length());
      }
    }
    return new ProducerRecord<>(topic, partition, key, value);
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
