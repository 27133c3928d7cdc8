package io.tributary.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors the meters of a registry that have a Kafka-style JMX name ({@link JmxNames}) into the platform MBean
 * server, as they are added and removed. A JVM holds one bean per name: where several brokers share a JVM (the
 * embedded cluster of tests and the quickstart) the first to register a name keeps it; each still serves all
 * of its meters on its own {@code /metrics}.
 */
final class JmxMirror implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JmxMirror.class);

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
  private final Map<Meter.Id, ObjectName> registered = new ConcurrentHashMap<>();

  JmxMirror(MeterRegistry registry) {
    registry.getMeters().forEach(this::add);
    registry.config().onMeterAdded(this::add);
    registry.config().onMeterRemoved(meter -> remove(meter.getId()));
  }

  private void add(Meter meter) {
    Optional<ObjectName> name = JmxNames.of(meter.getId());
    if (name.isEmpty()) {
      return;
    }
    try {
      server.registerMBean(new MeterMBean(meter), name.get());
      registered.put(meter.getId(), name.get());
    } catch (InstanceAlreadyExistsException e) {
      log.debug("JMX bean {} is registered by another component of this JVM; this one is on /metrics only", name.get());
    } catch (JMException e) {
      log.warn("cannot register JMX bean {}: {}", name.get(), e.toString());
    }
  }

  private void remove(Meter.Id id) {
    ObjectName name = registered.remove(id);
    if (name == null) {
      return;
    }
    try {
      server.unregisterMBean(name);
    } catch (JMException e) {
      log.debug("JMX bean {} was already gone", name);
    }
  }

  @Override
  public void close() {
    registered.keySet().forEach(this::remove);
  }
}
