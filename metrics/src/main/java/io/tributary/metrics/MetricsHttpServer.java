package io.tributary.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP listener every process runs beside its real one (JDK's built-in server, one thread):
 * <ul>
 *   <li>{@code GET /metrics}: the process's meters in Prometheus' text format;
 *   <li>{@code GET /health/live}: 200 while the process runs;
 *   <li>{@code GET /health/ready}: 200 when every readiness check passes, else 503; the body says which
 *       ({@link Readiness#toJson()}).
 * </ul>
 */
public final class MetricsHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsHttpServer.class);
  /** Connections waiting to be accepted; scrapers are few. */
  private static final int BACKLOG_CONNECTIONS = 16;
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON = "application/json";

  private final HttpServer server;
  private final ExecutorService thread;

  private MetricsHttpServer(HttpServer server, ExecutorService thread) {
    this.server = server;
    this.thread = thread;
  }

  /**
   * Binds {@code host:port} ({@code port} 0: any free port) and serves {@code metrics} and {@code readiness}.
   * {@code processName} names the serving thread.
   */
  public static MetricsHttpServer start(String host, int port, ProcessMetrics metrics, Supplier<Readiness> readiness,
      String processName) throws IOException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("metrics port " + port + " is not in 0..65535");
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), BACKLOG_CONNECTIONS);
    ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "metrics-http-" + processName);
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(thread);
    server.createContext("/metrics", ex -> respond(ex, 200, PROMETHEUS_TEXT, metrics::scrape));
    server.createContext("/health/live", ex -> respond(ex, 200, JSON, () -> "{\"status\":\"UP\"}"));
    server.createContext("/health/ready", ex -> {
      Readiness r;
      try {
        r = readiness.get();
      } catch (RuntimeException e) {
        r = new Readiness(List.of(new Readiness.Check("readiness", false, String.valueOf(e))));
      }
      Readiness answer = r;
      respond(ex, answer.ready() ? 200 : 503, JSON, answer::toJson);
    });
    server.start();
    log.info("{}: metrics on http://{}:{}/metrics, health on /health/live and /health/ready", processName, host,
        server.getAddress().getPort());
    return new MetricsHttpServer(server, thread);
  }

  public int boundPort() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange ex, int status, String contentType, Supplier<String> body) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes;
      int code = status;
      try {
        bytes = body.get().getBytes(StandardCharsets.UTF_8);
      } catch (RuntimeException e) {
        log.warn("{} failed", ex.getRequestURI(), e);
        bytes = String.valueOf(e).getBytes(StandardCharsets.UTF_8);
        code = 500;
      }
      ex.getResponseHeaders().set("Content-Type", contentType);
      boolean head = "HEAD".equals(ex.getRequestMethod());
      ex.sendResponseHeaders(code, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    thread.shutdownNow();
  }
}
