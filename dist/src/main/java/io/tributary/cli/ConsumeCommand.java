package io.tributary.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tributary consume TOPIC}: prints records, from all partitions (no group) or as a group member. */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = {
      "Consume records and print them.",
      "Without --group, every partition (or those of --partition) is read directly (assign + seek);",
      "with --group, the classic group protocol is used and offsets are committed.",
      "Keys and values in the schema registry's wire format (Avro) are printed as JSON, decoded with the",
      "writer's schema from --registry; other bytes as UTF-8 text.",
      "Format placeholders: %%t topic, %%p partition, %%o offset, %%k key, %%v value, %%T timestamp (ms),",
      "%%h headers, %%%% a percent sign, \\n newline, \\t tab. --format json prints one JSON object a record."
    })
final class ConsumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Kafka.BootstrapOption cluster = new Kafka.BootstrapOption();

  @Parameters(paramLabel = "TOPIC", description = "Topic to consume.")
  String topic;

  @Option(names = {"-g", "--group"}, description = "Consumer group (default: none, read every partition).")
  String group;

  @Option(names = "--from-beginning", description = "Start at the earliest offset (default: only new records).")
  boolean fromBeginning;

  @Option(names = {"-p", "--partition"}, paramLabel = "P", split = ",",
      description = "Read only these partitions (repeatable or comma-separated; not with --group).")
  List<Integer> partitions = new ArrayList<>();

  @Option(names = {"-o", "--offset"}, paramLabel = "earliest|latest|N",
      description = "Start of every partition read: earliest, latest or an offset (not with --group).")
  String offset;

  @Option(names = "--from-timestamp", paramLabel = "MS|DATETIME",
      description = "Start at the first record at or after this time: epoch milliseconds or"
          + " YYYY-MM-DDTHH:mm:SS[.sss][Z|+HH:MM] (not with --group).")
  String fromTimestamp;

  @Option(names = "--raw", description = "Print keys and values as UTF-8 text, even in the registry's wire format.")
  boolean raw;

  @Mixin RegistryOption registry = new RegistryOption();

  @Option(names = {"-n", "--max-messages"}, description = "Stop after this many records.")
  Long maxMessages;

  @Option(names = "--timeout-ms", description = "Stop when no record arrived for this long (default: run until Ctrl-C).")
  Long timeoutMs;

  @Option(names = {"-f", "--format"}, defaultValue = "%v",
      description = "Output format: a template (default: '%%v') or json.")
  String format;

  /** --format json: one object a record instead of the template. */
  static final String JSON_FORMAT = "json";

  @Override
  public Integer call() throws Exception {
    if (maxMessages != null && maxMessages < 1) {
      throw new CliException("--max-messages must be at least 1, got " + maxMessages, 2);
    }
    if (timeoutMs != null && timeoutMs < 0) {
      throw new CliException("--timeout-ms must not be negative, got " + timeoutMs, 2);
    }
    LogPosition start = ConsumeStart.of(fromBeginning, offset, fromTimestamp);
    if (group != null && (!partitions.isEmpty() || offset != null || fromTimestamp != null)) {
      throw new CliException("--partition, --offset and --from-timestamp read without a group: a group's members"
          + " start at its committed offsets (move them with ./tributary group reset-offsets)", 2);
    }
    RecordDecoder decoder = new RecordDecoder(registry, raw);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Properties p = cluster.clientProperties();
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(cluster.requestTimeoutMs));
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
    // Reading must not create the topic (brokers auto-create on Metadata by default).
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    // Offsets are committed by hand: exactly the records printed (with --max-messages a poll may hold more).
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<TopicPartition, OffsetAndMetadata> printed = new HashMap<>();
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    long count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      Thread hook = new Thread(() -> {
        stopping.set(true);
        consumer.wakeup();
        try {
          done.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
      }, "consume-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        if (group == null) {
          List<PartitionInfo> parts;
          try {
            parts = consumer.partitionsFor(topic, Duration.ofMillis(cluster.requestTimeoutMs));
          } catch (TimeoutException e) {
            throw Kafka.noBroker(cluster.bootstrap, cluster.requestTimeoutMs);
          }
          if (parts == null || parts.isEmpty()) {
            throw new CliException("topic " + topic + " does not exist at " + cluster.bootstrap
                + " (see ./tributary topic list)");
          }
          List<TopicPartition> tps = new ArrayList<>();
          parts.forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
          if (!partitions.isEmpty()) {
            for (int asked : partitions) {
              if (asked < 0 || asked >= parts.size()) {
                throw new CliException("topic " + topic + " has no partition " + asked + " (it has " + parts.size()
                    + ")", 2);
              }
            }
            tps.removeIf(tp -> !partitions.contains(tp.partition()));
          }
          consumer.assign(tps);
          ConsumeStart.seek(start, consumer, tps, Duration.ofMillis(cluster.requestTimeoutMs));
        } else {
          consumer.subscribe(List.of(topic));
        }
        long lastRecordNanos = System.nanoTime();
        while (!stopping.get()) {
          var records = consumer.poll(Duration.ofMillis(200));
          for (ConsumerRecord<byte[], byte[]> r : records) {
            RecordDecoder.Decoded key = decoder.decode(r.topic(), r.key());
            RecordDecoder.Decoded value = decoder.decode(r.topic(), r.value());
            out.println(JSON_FORMAT.equals(format) ? RecordJson.of(r, key, value) : format(format, text(r, key, value)));
            printed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            count++;
            if (maxMessages != null && count >= maxMessages) {
              stopping.set(true);
              break;
            }
          }
          out.flush();
          if (group != null && !printed.isEmpty()) {
            consumer.commitAsync(new HashMap<>(printed), null);
          }
          if (!records.isEmpty()) {
            lastRecordNanos = System.nanoTime();
          } else if (timeoutMs != null && System.nanoTime() - lastRecordNanos > timeoutMs * 1_000_000L) {
            break;
          }
        }
      } catch (WakeupException e) {
        // Ctrl-C: fall through to the commit and close, which leaves the group cleanly.
      } catch (KafkaException e) {
        throw new CliException("cannot consume topic " + topic + (group == null ? "" : " as group " + group) + ": "
            + Errors.message(e), e);
      } finally {
        if (group != null && !printed.isEmpty()) {
          try {
            consumer.commitSync(printed, Duration.ofMillis(cluster.requestTimeoutMs));
          } catch (RuntimeException e) {
            err.println("warning: could not commit the offsets of group " + group + ": " + Errors.message(e));
          }
        }
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it waits for 'done'
        }
      }
    } finally {
      done.countDown();
    }
    err.println("consumed " + count + " record" + (count == 1 ? "" : "s") + " from topic " + topic);
    err.flush();
    return 0;
  }

  /** The record with its key and value as the text they are printed as. */
  private static ConsumerRecord<String, String> text(ConsumerRecord<byte[], byte[]> r, RecordDecoder.Decoded key,
      RecordDecoder.Decoded value) {
    return new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
        r.serializedKeySize(), r.serializedValueSize(), key == null ? null : key.text(),
        value == null ? null : value.text(), r.headers(), r.leaderEpoch());
  }

  static String format(String fmt, ConsumerRecord<String, String> r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if ((c == '%' || c == '\\') && i + 1 < fmt.length()) {
        char n = fmt.charAt(++i);
        if (c == '\\') {
          sb.append(n == 'n' ? "\n" : n == 't' ? "\t" : n == '\\' ? "\\" : "\\" + n);
          continue;
        }
        switch (n) {
          case 't': sb.append(r.topic()); break;
          case 'p': sb.append(r.partition()); break;
          case 'o': sb.append(r.offset()); break;
          case 'k': sb.append(r.key()); break;
          case 'v': sb.append(r.value()); break;
          case 'T': sb.append(r.timestamp()); break;
          case 'h': {
            List<String> hs = new ArrayList<>();
            for (Header h : r.headers()) {
              hs.add(h.key() + "=" + (h.value() == null ? "null" : new String(h.value(), StandardCharsets.UTF_8)));
            }
            sb.append(String.join(",", hs));
            break;
          }
          case '%': sb.append('%'); break;
          default: sb.append('%').append(n);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
