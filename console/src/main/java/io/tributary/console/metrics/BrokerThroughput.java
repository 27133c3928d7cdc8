package io.tributary.console.metrics;

import io.tributary.console.kafka.Bytes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Throughput in and out of the log cluster, from the brokers' own counters: each look scrapes every broker's
 * {@code /metrics} (docs/operations.md) and rates {@code kafka_server_brokertopicmetrics_bytesin_total},
 * {@code ..._bytesout_total} and {@code ..._messagesin_total} per broker and topic over the last
 * {@link #WINDOW_MILLIS} ({@link CounterWindow}). Brokers count a topic's traffic on its partitions' leaders only,
 * so the sum over brokers is the cluster's. A broker whose metrics cannot be read is named; the others still count.
 */
public final class BrokerThroughput {
  public static final String BYTES_IN = "kafka_server_brokertopicmetrics_bytesin_total";
  public static final String BYTES_OUT = "kafka_server_brokertopicmetrics_bytesout_total";
  public static final String MESSAGES_IN = "kafka_server_brokertopicmetrics_messagesin_total";
  private static final Set<String> SERIES = Set.of(BYTES_IN, BYTES_OUT, MESSAGES_IN);
  /** How far back a rate looks, in ms. */
  public static final long WINDOW_MILLIS = 60_000;
  /** How long one broker's scrape may take, in ms: a page waits this long for each broker that does not answer. */
  static final long SCRAPE_TIMEOUT_MILLIS = 2_000;

  /** Per-second rates; a field is empty ("-") until two looks span some time. */
  public record Rates(String bytesIn, String bytesOut, String messagesIn) {}

  /** One topic's rates. */
  public record TopicRates(String topic, Rates rates) {}

  /**
   * What a look found.
   *
   * @param total the sum over brokers and topics
   * @param topics per topic, by name
   * @param errors brokers whose metrics could not be read, by name and address
   * @param note why there is nothing to show (no metrics addresses given), or null
   */
  public record Throughput(Rates total, Map<String, Rates> topics, List<String> errors, String note) {
    public List<TopicRates> topicList() {
      return topics.entrySet().stream().map(e -> new TopicRates(e.getKey(), e.getValue())).toList();
    }
  }

  private record Key(int broker, String series, String topic) {}

  private final Map<Integer, String> metricsUrls;
  private final LongSupplier clockMillis;
  private final CounterWindow<Key> window = new CounterWindow<>(WINDOW_MILLIS);
  /** Per broker, when its last scrape succeeded and the series it had: a series new since then started at 0. */
  private final Map<Integer, Long> lastScrapeMillis = new HashMap<>();
  private final Map<Integer, Set<Key>> lastKeys = new HashMap<>();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofMillis(SCRAPE_TIMEOUT_MILLIS)).build();

  /** @param metricsUrls each broker's {@code /metrics} URL, by broker id */
  public BrokerThroughput(Map<Integer, String> metricsUrls, LongSupplier clockMillis) {
    this.metricsUrls = new TreeMap<>(metricsUrls);
    this.clockMillis = clockMillis;
  }

  /** Scrapes every broker and answers the rates; {@code brokers} are the cluster's ids, to name those without an address. */
  public synchronized Throughput look(Collection<Integer> brokers) {
    if (metricsUrls.isEmpty()) {
      return new Throughput(new Rates("-", "-", "-"), Map.of(), List.of(), "throughput comes from the brokers' "
          + "/metrics: start the console with --broker-metrics ID=URL for each broker (docs/console.md)");
    }
    List<String> errors = new ArrayList<>();
    for (int id : new TreeSet<>(brokers)) {
      if (!metricsUrls.containsKey(id)) {
        errors.add("broker " + id + " has no metrics address (--broker-metrics " + id
            + "=http://HOST:PORT/metrics): its throughput is not counted");
      }
    }
    Set<Key> keys = new HashSet<>();
    metricsUrls.forEach((id, url) -> {
      try {
        String text = scrape(url);
        long at = clockMillis.getAsLong();
        Set<Key> seen = new HashSet<>();
        for (PrometheusText.Sample s : PrometheusText.samples(text, SERIES)) {
          Key k = new Key(id, s.name(), s.labels().getOrDefault("topic", ""));
          Long before = lastScrapeMillis.get(id);
          if (before != null && !lastKeys.get(id).contains(k)) {
            // Brokers create a topic's counters on its first record: it had none at the previous scrape.
            window.record(k, 0, before);
          }
          window.record(k, s.value(), at);
          seen.add(k);
        }
        keys.addAll(seen);
        lastScrapeMillis.put(id, at);
        lastKeys.put(id, seen);
      } catch (IOException | IllegalArgumentException e) {
        errors.add("the metrics of broker " + id + " at " + url + " could not be read: " + e.getMessage()
            + " (its throughput is not counted)");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        errors.add("interrupted while reading the metrics of broker " + id);
      }
    });
    window.forgetOlderThan(clockMillis.getAsLong());
    return new Throughput(sum(keys, null), perTopic(keys), errors, null);
  }

  private String scrape(String url) throws IOException, InterruptedException {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(SCRAPE_TIMEOUT_MILLIS)).GET().build();
    } catch (IllegalArgumentException e) {
      throw new IOException("not a URL", e);
    }
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new IOException("no answer within " + SCRAPE_TIMEOUT_MILLIS + " ms", e);
    } catch (ConnectException e) {
      throw new IOException("nothing listens there (connection refused): is the broker running with metrics.port?", e);
    } catch (IOException e) {
      throw new IOException(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }
    if (r.statusCode() != 200) {
      throw new IOException("HTTP " + r.statusCode());
    }
    return r.body();
  }

  private Map<String, Rates> perTopic(Set<Key> keys) {
    Map<String, Rates> out = new TreeMap<>();
    keys.stream().map(Key::topic).filter(t -> !t.isEmpty()).distinct()
        .forEach(t -> out.put(t, sum(keys, t)));
    return out;
  }

  /**
   * Sums the rates of the keys of {@code topic} (all topics when null), one series at a time. Once any series of
   * the scope has a rate, a series the brokers have not created yet (no consumer read the topic) counts as 0.
   */
  private Rates sum(Set<Key> keys, String topic) {
    List<Key> scope = keys.stream().filter(k -> topic == null || k.topic().equals(topic)).toList();
    if (scope.stream().noneMatch(k -> window.perSecond(k).isPresent())) {
      return new Rates("-", "-", "-");
    }
    return new Rates(bytes(total(scope, BYTES_IN)), bytes(total(scope, BYTES_OUT)), messages(total(scope, MESSAGES_IN)));
  }

  private double total(List<Key> scope, String series) {
    return scope.stream().filter(k -> k.series().equals(series))
        .mapToDouble(k -> window.perSecond(k).orElse(0)).sum();
  }

  static String bytes(double perSecond) {
    return Bytes.human(Math.round(perSecond)) + "/s";
  }

  static String messages(double perSecond) {
    return String.format("%.1f", perSecond);
  }
}
