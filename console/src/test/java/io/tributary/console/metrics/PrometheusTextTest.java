package io.tributary.console.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrometheusTextTest {
  private static final Set<String> IN = Set.of(BrokerThroughput.BYTES_IN);

  /** One line of a scrape; the topic label and value read from it, or "skipped". */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "kafka_server_brokertopicmetrics_bytesin_total{topic=\"orders\",} 1234.0          | orders | 1234",
      "kafka_server_brokertopicmetrics_bytesin_total{topic=\"orders\"} 1.5E3            | orders | 1500",
      "kafka_server_brokertopicmetrics_bytesin_total{topic=\"a\\\"b\"} 7 1700000000000  | a\"b    | 7",
      "kafka_server_brokertopicmetrics_bytesin_total{ topic=\"x\" , env=\"p\" } 2       | x      | 2",
      "kafka_server_brokertopicmetrics_bytesin_total 9                                 | ''     | 9",
      "# TYPE kafka_server_brokertopicmetrics_bytesin_total counter                      | -      | skipped",
      "kafka_server_brokertopicmetrics_bytesout_total{topic=\"orders\"} 5               | -      | skipped",
      "''                                                                               | -      | skipped",
  })
  void readsTheNamedSeries(String line, String topic, String value) {
    List<PrometheusText.Sample> samples = PrometheusText.samples(line, IN);
    if (value.equals("skipped")) {
      assertTrue(samples.isEmpty(), samples.toString());
      return;
    }
    assertEquals(1, samples.size(), samples.toString());
    assertEquals(topic, samples.get(0).labels().getOrDefault("topic", ""));
    assertEquals(Double.parseDouble(value), samples.get(0).value());
  }

  @Test
  void aWholeScrapeGivesEverySeriesAsked() {
    String scrape = """
        # HELP kafka_server_brokertopicmetrics_messagesin_total
        # TYPE kafka_server_brokertopicmetrics_messagesin_total counter
        kafka_server_brokertopicmetrics_messagesin_total{topic="a"} 3.0
        kafka_server_brokertopicmetrics_messagesin_total{topic="b"} 4.0
        jvm_threads_live_threads 40.0
        kafka_server_brokertopicmetrics_bytesout_total{topic="a"} 100.0
        """;
    List<PrometheusText.Sample> samples = PrometheusText.samples(scrape,
        Set.of(BrokerThroughput.MESSAGES_IN, BrokerThroughput.BYTES_OUT));
    assertEquals(List.of(
        new PrometheusText.Sample(BrokerThroughput.MESSAGES_IN, Map.of("topic", "a"), 3.0),
        new PrometheusText.Sample(BrokerThroughput.MESSAGES_IN, Map.of("topic", "b"), 4.0),
        new PrometheusText.Sample(BrokerThroughput.BYTES_OUT, Map.of("topic", "a"), 100.0)), samples);
  }

  @Test
  void aBrokenLineIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PrometheusText.samples("\nkafka_server_brokertopicmetrics_bytesin_total{topic=\"a\"} many", IN));
    assertTrue(e.getMessage().startsWith("line 2 of the metrics: 'many' is not a number"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> PrometheusText.samples("kafka_server_brokertopicmetrics_bytesin_total{topic=\"a} 1", IN));
    assertTrue(e.getMessage().contains("unclosed label value"), e.getMessage());
  }
}
