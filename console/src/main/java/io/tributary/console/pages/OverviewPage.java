package io.tributary.console.pages;

import io.tributary.connect.worker.ClusterStatus;
import io.tributary.console.kafka.ClusterOverview;
import io.tributary.console.kafka.KafkaClients;
import io.tributary.console.lake.LakeTables;
import io.tributary.console.metrics.BrokerThroughput;
import io.tributary.console.pipelines.Pipelines;
import io.tributary.console.registry.Schemas;
import io.tributary.console.web.Response;
import io.tributary.console.web.Router;
import io.tributary.console.web.Views;
import java.util.ArrayList;
import java.util.List;

/** {@code /}: the cluster, and a line for each other part of the platform (up, or why not). */
public final class OverviewPage {
  private final Views views;
  private final KafkaClients kafka;
  private final Schemas schemas;
  private final Pipelines pipelines;
  private final LakeTables lake;
  private final BrokerThroughput throughput;

  public OverviewPage(Views views, KafkaClients kafka, Schemas schemas, Pipelines pipelines, LakeTables lake,
      BrokerThroughput throughput) {
    this.throughput = throughput;
    this.views = views;
    this.kafka = kafka;
    this.schemas = schemas;
    this.pipelines = pipelines;
    this.lake = lake;
  }

  public void register(Router router) {
    router.get("/", r -> page());
  }

  private Response page() {
    List<String> errors = new ArrayList<>();
    ClusterOverview cluster = Part.read(() -> ClusterOverview.read(kafka), null, errors);
    // Read even when the Admin API does not answer: the brokers' metrics listeners are a second way in.
    BrokerThroughput.Throughput rates = throughput.look(cluster == null ? List.of()
        : cluster.brokers().stream().map(ClusterOverview.Broker::id).toList());
    errors.addAll(rates.errors());
    Integer subjects = Part.read(() -> schemas.subjects().size(), null, errors);
    ClusterStatus workers = Part.read(pipelines::status, null, errors);
    Model m = Model.of("cluster", cluster).with("throughput", rates).with("bootstrap", kafka.bootstrapServers())
        .with("subjects", subjects).with("workers", workers).with("workerCluster", pipelines.cluster())
        .with("tables", lake.list().size()).with("catalog", lake.catalogDir().toString());
    if (workers != null) {
      m.with("workerCount", workers.workers().size()).with("pipelineCount", workers.pipelines().size())
          .with("failedPipelines", workers.pipelines().stream().filter(p -> p.state().equals("FAILED")).count());
    }
    return Response.html(views.page("Overview", "/", "overview", m, errors));
  }
}
