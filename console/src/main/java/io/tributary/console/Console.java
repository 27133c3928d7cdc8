package io.tributary.console;

import io.tributary.console.kafka.Groups;
import io.tributary.console.kafka.KafkaClients;
import io.tributary.console.kafka.MessageBrowser;
import io.tributary.console.kafka.Topics;
import io.tributary.console.kafka.UsersAndAcls;
import io.tributary.console.kafka.ValueDecoder;
import io.tributary.console.lake.LakeTables;
import io.tributary.console.lake.SqlBox;
import io.tributary.console.metrics.BrokerThroughput;
import io.tributary.console.pages.GroupPages;
import io.tributary.console.pages.LakePages;
import io.tributary.console.pages.OverviewPage;
import io.tributary.console.pages.PipelinePages;
import io.tributary.console.pages.SchemaPages;
import io.tributary.console.pages.SecurityPage;
import io.tributary.console.pages.TopicPages;
import io.tributary.console.pipelines.DeadLetters;
import io.tributary.console.pipelines.Pipelines;
import io.tributary.console.registry.Schemas;
import io.tributary.console.web.Router;
import io.tributary.console.web.Views;
import io.tributary.console.web.WebServer;
import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.RegistryClient;
import java.io.IOException;

/**
 * The web console: its pages wired to the parts of the platform and served over HTTP. Nothing is contacted
 * when it starts: every page reads what it shows when it is loaded, so a part that is down (or started later)
 * shows as such on the pages that need it.
 */
public final class Console implements AutoCloseable {
  private final KafkaClients kafka;
  private final Pipelines pipelines;
  private final SqlBox sql;
  private final WebServer server;

  private Console(ConsoleConfig config) throws IOException {
    Views views = new Views();
    kafka = new KafkaClients(config);
    // the registry's client keys (basic.auth.*, schema.registry.ssl.*) come with the Kafka ones (--command-config)
    RegistryClient registry = new RegistryClient(config.registryUrl(), Schemas.TIMEOUT, config.clientProperties());
    KafkaAvroDeserializer avro = new KafkaAvroDeserializer(registry);
    MessageBrowser browser = new MessageBrowser(kafka, new ValueDecoder(bytes -> avro.deserialize("", bytes)));
    Schemas schemas = new Schemas(config.registryUrl(), registry);
    pipelines = new Pipelines(config.zookeeperConnect(), config.connectCluster());
    LakeTables lake = new LakeTables(config.catalogDir());
    sql = new SqlBox();
    Router router = new Router();
    BrokerThroughput throughput = new BrokerThroughput(config.brokerMetrics(), System::currentTimeMillis);
    new OverviewPage(views, kafka, schemas, pipelines, lake, throughput).register(router);
    new TopicPages(views, new Topics(kafka), browser, registry, throughput).register(router);
    new GroupPages(views, new Groups(kafka)).register(router);
    new SchemaPages(views, schemas).register(router);
    new PipelinePages(views, pipelines, new DeadLetters(browser)).register(router);
    new LakePages(views, lake, sql).register(router);
    new SecurityPage(views, new UsersAndAcls(kafka), config.securityOn()).register(router);
    try {
      server = new WebServer(config.host(), config.port(), router, views);
    } catch (IOException e) { // the port is taken: nothing may be left open
      kafka.close();
      throw e;
    }
  }

  /** Binds the port and serves; fails when the port is taken. */
  public static Console start(ConsoleConfig config) throws IOException {
    Console console = new Console(config);
    console.server.start();
    return console;
  }

  /** Where it serves, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    return server.url();
  }

  @Override
  public void close() {
    server.close();
    sql.close();
    pipelines.close();
    kafka.close();
  }
}
