package io.tributary.console.kafka;

import io.tributary.console.ConsoleConfig;
import io.tributary.console.Unavailable;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The console's kafka-clients: one Admin for its lifetime, consumers and producers per use (browsing is rare and
 * short), all with the user's security properties and short timeouts so that a cluster that is down shows as
 * such within seconds instead of hanging a page.
 */
public final class KafkaClients implements AutoCloseable {
  /** How long the console waits for the cluster to answer one request. */
  public static final int REQUEST_TIMEOUT_MS = 5_000;

  private final ConsoleConfig config;
  private final Admin admin;

  public KafkaClients(ConsoleConfig config) {
    this.config = config;
    Properties p = common();
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(REQUEST_TIMEOUT_MS));
    p.put(AdminClientConfig.RETRIES_CONFIG, "2");
    this.admin = Admin.create(p);
  }

  public Admin admin() {
    return admin;
  }

  public String bootstrapServers() {
    return config.bootstrapServers();
  }

  private Properties common() {
    Properties p = new Properties();
    p.putAll(config.clientProperties());
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(REQUEST_TIMEOUT_MS));
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, "tributary-console");
    // fail fast when nothing listens rather than backing off for long between reconnects
    p.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    return p;
  }

  /** A consumer without a group (it assigns partitions itself and commits nothing). */
  public KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = common();
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(REQUEST_TIMEOUT_MS));
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  public KafkaProducer<byte[], byte[]> producer() {
    Properties p = common();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(REQUEST_TIMEOUT_MS));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(2 * REQUEST_TIMEOUT_MS));
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Waits for an Admin result. No answer in time means the cluster is down ({@link Unavailable}); an error the
   * cluster returned keeps Kafka's own message.
   */
  public <T> T get(KafkaFuture<T> future, String what) {
    try {
      return future.get(REQUEST_TIMEOUT_MS + 2_000L, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TimeoutException) {
        throw down(cause);
      }
      throw new KafkaError("cannot " + what + ": " + cause.getMessage(), cause);
    } catch (Exception e) { // the only one left: the JDK's TimeoutException of get(timeout)
      throw down(e);
    }
  }

  /** The cluster did not answer. */
  public Unavailable down(Throwable cause) {
    return new Unavailable("the log cluster at " + config.bootstrapServers() + " did not answer within "
        + REQUEST_TIMEOUT_MS / 1000 + " s: is it running? (./tributary local start)", cause);
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(2));
  }

  /** The cluster answered with an error (Kafka's message kept). */
  public static final class KafkaError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaError(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
