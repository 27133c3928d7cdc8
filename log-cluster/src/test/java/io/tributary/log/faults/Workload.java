package io.tributary.log.faults;

import io.tributary.log.faults.DeliveryCheck.Position;
import io.tributary.testkit.TestClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The load during the fault run: {@link #IDEMPOTENT_PRODUCERS} idempotent acks=all producers writing numbered
 * records round-robin over the partitions, and one transactional producer committing two transactions of
 * {@link #RECORDS_PER_TRANSACTION} records in three and aborting the third. It remembers where each record was
 * acknowledged (a transactional one once its commit returned), which were aborted, and how many sends failed.
 */
final class Workload implements AutoCloseable {
  static final int IDEMPOTENT_PRODUCERS = 2;
  static final int RECORDS_PER_TRANSACTION = 5;
  /** Pause between two sends of one idempotent producer: the faults, not the load, are under test. */
  static final long SEND_PAUSE_MS = 3;
  /** Pause between two transactions. */
  static final long TRANSACTION_PAUSE_MS = 20;
  static final String TRANSACTIONAL_ID = "faults-txn";
  static final Duration STOP_TIMEOUT = Duration.ofMinutes(4);

  private final String bootstrap;
  private final String topic;
  private final int partitions;
  final Map<String, Position> acknowledged = new ConcurrentHashMap<>();
  final Set<String> aborted = ConcurrentHashMap.newKeySet();
  final AtomicLong failedSends = new AtomicLong();
  final AtomicLong committedTransactions = new AtomicLong();
  final AtomicLong abortedTransactions = new AtomicLong();
  final AtomicLong unknownTransactions = new AtomicLong();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  Workload(String bootstrap, String topic, int partitions) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.partitions = partitions;
  }

  Workload start() {
    for (int i = 0; i < IDEMPOTENT_PRODUCERS; i++) {
      int producer = i;
      threads.add(new Thread(() -> idempotent(producer), "faults-idempotent-" + i));
    }
    threads.add(new Thread(this::transactional, "faults-transactional"));
    threads.forEach(Thread::start);
    return this;
  }

  long acknowledgedCount() {
    return acknowledged.size();
  }

  private ProducerRecord<byte[], byte[]> record(int partition, String value) {
    return new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8));
  }

  private void idempotent(int producer) {
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TestClients.producerProps(bootstrap))) {
      for (long seq = 0; !stop.get(); seq++) {
        String value = "i" + producer + "-" + seq;
        p.send(record((int) (seq % partitions), value), (md, e) -> {
          if (e == null) {
            acknowledged.put(value, new Position(md.partition(), md.offset()));
          } else {
            failedSends.incrementAndGet();
          }
        });
        Thread.sleep(SEND_PAUSE_MS);
      }
      p.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Properties transactionalProps() {
    Properties p = TestClients.producerProps(bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    return p;
  }

  /** Begin, send, commit or abort; any failure: the fate of that transaction is unknown, start a new producer. */
  private void transactional() {
    long n = 0;
    while (!stop.get()) {
      KafkaProducer<byte[], byte[]> p = null;
      try {
        p = new KafkaProducer<>(transactionalProps());
        p.initTransactions();
        while (!stop.get()) {
          long txn = n++;
          boolean commit = txn % 3 != 2;
          List<String> values = new ArrayList<>();
          List<Future<RecordMetadata>> sent = new ArrayList<>();
          p.beginTransaction();
          for (int k = 0; k < RECORDS_PER_TRANSACTION; k++) {
            String value = "t" + txn + "-" + k;
            values.add(value);
            sent.add(p.send(record((int) ((txn + k) % partitions), value)));
          }
          if (commit) {
            p.commitTransaction();
            for (int k = 0; k < values.size(); k++) {
              RecordMetadata md = sent.get(k).get();
              acknowledged.put(values.get(k), new Position(md.partition(), md.offset()));
            }
            committedTransactions.incrementAndGet();
          } else {
            p.abortTransaction();
            aborted.addAll(values);
            abortedTransactions.incrementAndGet();
          }
          Thread.sleep(TRANSACTION_PAUSE_MS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        unknownTransactions.incrementAndGet(); // the open transaction is aborted by the next initTransactions
      } finally {
        if (p != null) {
          p.close(Duration.ZERO);
        }
      }
    }
  }

  /** Stops sending and waits until every send has settled. */
  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(STOP_TIMEOUT.toMillis());
      if (t.isAlive()) {
        throw new AssertionError(t.getName() + " did not stop within " + STOP_TIMEOUT);
      }
    }
  }
}
