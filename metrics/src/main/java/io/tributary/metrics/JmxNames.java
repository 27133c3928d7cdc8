package io.tributary.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import java.util.Optional;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The JMX name of a meter, in Kafka's MBean style. A meter named {@code <domain>.<Type>.<Name>} whose last two
 * parts start with a capital letter ({@code kafka.server.ReplicaManager.UnderReplicatedPartitions}) becomes
 * {@code <domain>:type=<Type>,name=<Name>} followed by its tags in order
 * ({@code kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=orders}); counters gain Kafka's
 * {@code PerSec} suffix, which the JMX exporter drops again on the way to Prometheus. Other meters (the JVM's)
 * have no JMX name here: the JVM's own MXBeans already carry them.
 */
final class JmxNames {
  private static final String COUNTER_SUFFIX = "PerSec";

  private JmxNames() {}

  static Optional<ObjectName> of(Meter.Id id) {
    String name = id.getName();
    int lastDot = name.lastIndexOf('.');
    int typeDot = lastDot <= 0 ? -1 : name.lastIndexOf('.', lastDot - 1);
    if (typeDot <= 0) {
      return Optional.empty();
    }
    String domain = name.substring(0, typeDot);
    String type = name.substring(typeDot + 1, lastDot);
    String shortName = name.substring(lastDot + 1);
    if (!startsUpperCase(type) || !startsUpperCase(shortName)) {
      return Optional.empty();
    }
    boolean counter = id.getType() == Meter.Type.COUNTER;
    StringBuilder sb = new StringBuilder(domain).append(":type=").append(type)
        .append(",name=").append(shortName).append(counter ? COUNTER_SUFFIX : "");
    for (Tag tag : id.getTagsAsIterable()) {
      sb.append(',').append(tag.getKey()).append('=').append(quoteIfNeeded(tag.getValue()));
    }
    try {
      return Optional.of(new ObjectName(sb.toString()));
    } catch (MalformedObjectNameException e) {
      throw new IllegalArgumentException("meter " + id + " has no valid JMX name (" + sb + ")", e);
    }
  }

  private static boolean startsUpperCase(String s) {
    return !s.isEmpty() && Character.isUpperCase(s.charAt(0));
  }

  /** Topic and group names may hold characters that ObjectName reserves ({@code , = : " * ?}). */
  private static String quoteIfNeeded(String value) {
    for (char c : value.toCharArray()) {
      if (",=:\"*?\n\\".indexOf(c) >= 0) {
        return ObjectName.quote(value);
      }
    }
    return value.isEmpty() ? ObjectName.quote(value) : value;
  }
}
