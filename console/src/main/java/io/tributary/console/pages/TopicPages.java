package io.tributary.console.pages;

import io.tributary.console.BadInput;
import io.tributary.console.kafka.MessageBrowser;
import io.tributary.console.kafka.MessageBrowser.From;
import io.tributary.console.kafka.MessageBrowser.HeaderView;
import io.tributary.console.kafka.OffsetReset;
import io.tributary.console.kafka.Topics;
import io.tributary.console.metrics.BrokerThroughput;
import io.tributary.console.registry.AvroValues;
import io.tributary.console.web.Paths;
import io.tributary.console.web.Request;
import io.tributary.console.web.Response;
import io.tributary.console.web.Router;
import io.tributary.console.web.Views;
import io.tributary.registry.serde.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /topics} (the list, a create form) and {@code /topics/NAME}: partitions, configs (editable), the message
 * browser ({@code ?partition=&from=newest|oldest|offset|time&position=&limit=}, a shareable link) and a produce
 * form.
 */
public final class TopicPages {
  /** Messages the browser shows unless asked for another number. */
  static final int DEFAULT_LIMIT = 20;

  private final Views views;
  private final Topics topics;
  private final MessageBrowser browser;
  private final RegistryClient registry;
  private final BrokerThroughput throughput;

  /** A row of {@code /topics}: the topic and its current rates from the brokers' metrics. */
  public record ListedTopic(Topics.TopicRow topic, BrokerThroughput.Rates rates) {}

  public TopicPages(Views views, Topics topics, MessageBrowser browser, RegistryClient registry,
      BrokerThroughput throughput) {
    this.views = views;
    this.throughput = throughput;
    this.topics = topics;
    this.browser = browser;
    this.registry = registry;
  }

  public void register(Router router) {
    router.get("/topics", r -> list(r, null));
    router.post("/topics", this::create);
    router.get("/topics/{name}", r -> topic(r, null));
    router.post("/topics/{name}/config", this::setConfig);
    router.post("/topics/{name}/produce", this::produce);
  }

  private Response list(Request r, String notice) {
    boolean internal = r.param("internal").isPresent();
    List<Topics.TopicRow> rows = topics.list().stream().filter(t -> internal || !t.name().startsWith("_")).toList();
    BrokerThroughput.Throughput rates = throughput.look(List.of());
    BrokerThroughput.Rates none = new BrokerThroughput.Rates("-", "-", "-");
    List<ListedTopic> listed = rows.stream()
        .map(t -> new ListedTopic(t, rates.topics().getOrDefault(t.name(), none))).toList();
    return Response.html(views.page("Topics", "/topics", "topics", Model.of("topics", listed)
        .with("internal", internal).with("notice", notice).with("throughputNote", rates.note()), rates.errors()));
  }

  private Response create(Request r) {
    String name = r.required("name").strip();
    topics.create(name, (int) r.longParam("partitions", 1), (short) r.longParam("replicationFactor", 1));
    return Response.seeOther("/topics/" + Paths.segment(name));
  }

  private Response setConfig(Request r) {
    String name = r.pathParam(0);
    topics.setConfig(name, r.required("key").strip(), r.param("value", "").strip());
    return Response.seeOther("/topics/" + Paths.segment(name) + "#configs");
  }

  private Response produce(Request r) {
    String name = r.pathParam(0);
    Optional<Integer> partition = r.param("partition").map(p -> (int) r.longParam("partition", 0));
    String format = r.param("format", "text");
    String value = r.param("value", "");
    byte[] bytes = switch (format) {
      case "avro" -> AvroValues.encode(registry, name, value);
      case "text" -> value.getBytes(StandardCharsets.UTF_8);
      case "tombstone" -> null;
      default -> throw new BadInput("format must be text, avro or tombstone, got '" + format + "'");
    };
    String at = browser.produce(name, partition, r.param("key", ""), bytes, headers(r.param("headers", "")));
    return topic(r, "produced to partition " + at.replace("@", " at offset "));
  }

  /** {@code key=value} lines. */
  static List<HeaderView> headers(String text) {
    List<HeaderView> out = new ArrayList<>();
    for (String line : text.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new BadInput("a header is one key=value line, got '" + line + "'");
      }
      out.add(new HeaderView(line.substring(0, eq).strip(), line.substring(eq + 1).strip()));
    }
    return out;
  }

  private Response topic(Request r, String notice) {
    String name = r.pathParam(0);
    Topics.TopicDetail detail = topics.describe(name);
    Optional<Integer> partition = r.param("partition").filter(p -> !p.equals("all"))
        .map(p -> (int) r.longParam("partition", 0));
    From from = r.param("from").map(f -> {
      try {
        return From.valueOf(f);
      } catch (IllegalArgumentException e) {
        throw new BadInput("from must be newest, oldest, offset or time, got '" + f + "'");
      }
    }).orElse(From.newest);
    long position = from == From.time ? r.param("position").map(OffsetReset::parseTime)
        .orElse(0L) : r.longParam("position", 0);
    int limit = (int) r.longParam("limit", DEFAULT_LIMIT);
    MessageBrowser.Read read = browser.read(name, partition, from, position, limit);
    List<Model> partitionChoices = new ArrayList<>();
    partitionChoices.add(Model.of("value", "all").with("selected", partition.isEmpty()));
    detail.partitions().forEach(p -> partitionChoices.add(Model.of("value", Integer.toString(p.partition()))
        .with("selected", partition.isPresent() && partition.get() == p.partition())));
    List<Model> fromChoices = new ArrayList<>();
    for (From f : From.values()) {
      fromChoices.add(Model.of("value", f.name()).with("selected", f == from));
    }
    Model m = Model.of("topic", detail).with("messages", read.messages()).with("partitionChoices", partitionChoices)
        .with("fromChoices", fromChoices).with("position", r.param("position", "")).with("limit", limit)
        .with("notice", notice).with("path", "/topics/" + Paths.segment(name));
    return Response.html(views.page(name + " · Topics", "/topics", "topic", m, List.of()));
  }
}
