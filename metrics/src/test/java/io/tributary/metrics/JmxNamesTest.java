package io.tributary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import java.util.Optional;
import javax.management.ObjectName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JmxNamesTest {
  @ParameterizedTest(name = "{0} ({1}, {2}) -> {3}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "kafka.server.ReplicaManager.UnderReplicatedPartitions | GAUGE   | -                  | kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions",
      "kafka.server.BrokerTopicMetrics.MessagesIn          | COUNTER | topic=orders       | kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=orders",
      "kafka.network.RequestMetrics.TotalTimeMs           | DISTRIBUTION_SUMMARY | request=Produce | kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce",
      "kafka.server.BrokerTopicMetrics.BytesIn            | COUNTER | topic=a:b          | kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=\"a:b\"",
      "jvm.memory.used                                    | GAUGE   | -                  | -",
      "Value                                              | GAUGE   | -                  | -",
      "a.B                                                | GAUGE   | -                  | -",
  })
  void kafkaStyleMeterNamesMapToKafkaMBeanNames(String meter, Meter.Type type, String tag, String expected) throws Exception {
    Tags tags = tag == null ? Tags.empty() : Tags.of(tag.split("=")[0], tag.split("=")[1]);
    Optional<ObjectName> name = JmxNames.of(new Meter.Id(meter, tags, null, null, type));
    assertEquals(expected == null ? Optional.empty() : Optional.of(new ObjectName(expected)), name);
  }

  @ParameterizedTest
  @CsvSource({"0.5, 50thPercentile", "0.75, 75thPercentile", "0.99, 99thPercentile", "0.999, 999thPercentile"})
  void percentileAttributesAreNamedAsKafkasHistograms(double percentile, String expected) {
    assertEquals(expected, MeterMBean.percentileName(percentile));
  }
}
