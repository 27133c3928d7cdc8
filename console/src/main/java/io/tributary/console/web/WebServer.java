package io.tributary.console.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tributary.console.BadInput;
import io.tributary.console.Unavailable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK's HTTP server in front of a {@link Router}: parses the request, runs the handler on a small pool,
 * and turns the console's exceptions into pages (a part down: 503; bad input: 400; anything else: 500 with its
 * message), each with the navigation so that the user can go on.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
  /** Requests served at once; more wait in the server's queue. */
  private static final int HANDLER_THREADS = 8;
  /** How long {@link #close()} lets requests in flight finish. */
  private static final int STOP_GRACE_SECONDS = 1;

  private final HttpServer server;
  private final ExecutorService pool;
  private final Router router;
  private final Views views;

  public WebServer(String host, int port, Router router, Views views) throws IOException {
    this.router = router;
    this.views = views;
    this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
    this.pool = Executors.newFixedThreadPool(HANDLER_THREADS, r -> {
      Thread t = new Thread(r, "console-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext("/", this::serve);
  }

  public WebServer start() {
    server.start();
    return this;
  }

  /** {@code http://host:port} as bound (the real port when 0 was asked). */
  public String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getHostString() + ":" + a.getPort();
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      String rawPath = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      Response response;
      try {
        response = answer(ex, method, rawPath);
      } catch (Exception e) {
        response = error(e);
      }
      send(ex, response);
    }
  }

  private Response answer(HttpExchange ex, String method, String rawPath) throws Exception {
    if (method.equals("GET") && rawPath.startsWith("/static/")) {
      return Static.file(rawPath.substring("/static/".length()));
    }
    Optional<Router.Match> match = router.match(method, rawPath);
    if (match.isEmpty()) {
      return router.knowsPath(rawPath)
          ? Response.html(405, views.page("Not allowed", "", null, Map.of(), List.of(method + " " + rawPath
              + " is not allowed here")))
          : Response.html(404, views.page("Not found", "", null, Map.of(), List.of("no page at " + rawPath)));
    }
    Map<String, String> params = new HashMap<>(Request.parseForm(ex.getRequestURI().getRawQuery()));
    if (method.equals("POST")) {
      params.putAll(Request.parseForm(body(ex.getRequestBody())));
    }
    Request request = new Request(method, rawPath, match.get().pathParams(), params);
    return match.get().handler().handle(request);
  }

  private Response error(Exception e) {
    if (e instanceof BadInput) {
      return Response.html(400, views.page("Cannot do that", "", null, Map.of(), List.of(e.getMessage())));
    }
    if (e instanceof Unavailable) {
      return Response.html(503, views.page("Unavailable", "", null, Map.of(), List.of(e.getMessage())));
    }
    LOG.warn("console request failed", e);
    String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return Response.html(500, views.page("Error", "", null, Map.of(), List.of(message)));
  }

  private static String body(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(Request.MAX_BODY_BYTES + 1);
    if (bytes.length > Request.MAX_BODY_BYTES) {
      throw new BadInput("the form is larger than " + Request.MAX_BODY_BYTES + " bytes");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void send(HttpExchange ex, Response r) throws IOException {
    ex.getResponseHeaders().set("Content-Type", r.contentType());
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    if (r.location() != null) {
      ex.getResponseHeaders().set("Location", r.location());
    }
    ex.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
    if (r.body().length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.body());
      }
    }
  }

  @Override
  public void close() {
    server.stop(STOP_GRACE_SECONDS);
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
