package io.tributary.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;

/**
 * One meter as a read-only MBean with the attributes Kafka's beans have: {@code Value} for a gauge,
 * {@code Count} for a counter, and {@code Count}, {@code Mean}, {@code Max} and {@code <p>thPercentile} (as
 * Kafka's histograms) for a distribution; times are in milliseconds, as in Kafka.
 */
final class MeterMBean implements DynamicMBean {
  private final Meter meter;
  private final MBeanInfo info;

  MeterMBean(Meter meter) {
    this.meter = meter;
    Map<String, Object> initial = values();
    MBeanAttributeInfo[] attributes = initial.entrySet().stream()
        .map(e -> new MBeanAttributeInfo(e.getKey(), e.getValue().getClass().getName(), e.getKey(), true, false, false))
        .toArray(MBeanAttributeInfo[]::new);
    info = new MBeanInfo(getClass().getName(), "meter " + meter.getId().getName(), attributes, null, null, null);
  }

  /** The attributes' current values, by attribute name. */
  Map<String, Object> values() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (meter instanceof Gauge g) {
      out.put("Value", g.value());
    } else if (meter instanceof Counter c) {
      out.put("Count", (long) c.count());
    } else if (meter instanceof FunctionCounter c) {
      out.put("Count", (long) c.count());
    } else if (meter instanceof DistributionSummary s) {
      putSnapshot(out, s.takeSnapshot(), 1);
    } else if (meter instanceof Timer t) {
      putSnapshot(out, t.takeSnapshot(), TimeUnit.MILLISECONDS.toNanos(1));
    }
    return out;
  }

  /** {@code divisor} turns the snapshot's unit into the bean's (a timer's nanoseconds into milliseconds). */
  private static void putSnapshot(Map<String, Object> out, HistogramSnapshot snapshot, double divisor) {
    boolean timer = divisor != 1;
    out.put("Count", snapshot.count());
    out.put("Mean", timer ? snapshot.mean(TimeUnit.MILLISECONDS) : snapshot.mean());
    out.put("Max", timer ? snapshot.max(TimeUnit.MILLISECONDS) : snapshot.max());
    for (ValueAtPercentile p : snapshot.percentileValues()) {
      out.put(percentileName(p.percentile()), timer ? p.value(TimeUnit.MILLISECONDS) : p.value());
    }
  }

  /** Kafka's attribute names: 0.5 is {@code 50thPercentile}, 0.999 is {@code 999thPercentile}. */
  static String percentileName(double percentile) {
    String digits = Double.toString(percentile).substring(2); // "0.999" -> "999", "0.5" -> "5"
    return (digits.length() == 1 ? digits + "0" : digits) + "thPercentile";
  }

  @Override
  public Object getAttribute(String attribute) throws AttributeNotFoundException {
    Object value = values().get(attribute);
    if (value == null) {
      throw new AttributeNotFoundException(attribute + " is not an attribute of " + meter.getId().getName());
    }
    return value;
  }

  @Override
  public AttributeList getAttributes(String[] attributes) {
    Map<String, Object> now = values();
    AttributeList list = new AttributeList();
    for (String a : attributes) {
      if (now.containsKey(a)) {
        list.add(new Attribute(a, now.get(a)));
      }
    }
    return list;
  }

  @Override
  public void setAttribute(Attribute attribute) {
    throw new UnsupportedOperationException("meters are read-only");
  }

  @Override
  public AttributeList setAttributes(AttributeList attributes) {
    return new AttributeList();
  }

  @Override
  public Object invoke(String actionName, Object[] params, String[] signature) {
    throw new UnsupportedOperationException("meters have no operations");
  }

  @Override
  public MBeanInfo getMBeanInfo() {
    return info;
  }
}
