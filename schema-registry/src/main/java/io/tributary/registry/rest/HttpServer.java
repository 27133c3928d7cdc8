package io.tributary.registry.rest;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.tributary.registry.security.AuthDecision;
import io.tributary.registry.security.BasicAuthenticator;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLEngine;
import org.apache.kafka.common.security.auth.SslEngineFactory;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty HTTP/1.1 server in front of {@link RestApi}. Requests are aggregated (bounded by
 * {@code maxBodyBytes}: larger bodies get 413 with a JSON error). GETs are answered on the event loop
 * (they read memory only); other methods run on a bounded worker pool, because writes block until the
 * log has applied them and forwarded requests wait for the primary.
 *
 * <p>A listener may speak TLS (Kafka's SSL engine factory, so Kafka's store types). With an
 * {@link BasicAuthenticator}, every request is authenticated and its role checked before the API sees it: 401
 * with {@code WWW-Authenticate: Basic realm="..."} or 403, each with Confluent's JSON error body. Credentials
 * not remembered from a moment ago are verified on the worker pool, never on the event loop (SCRAM's
 * iterations are slow on purpose).
 */
public final class HttpServer implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private final RestApi api;
  private final int maxBodyBytes;
  private final EventLoopGroup boss = new NioEventLoopGroup(1);
  private final EventLoopGroup workers = new NioEventLoopGroup(2);
  private final ThreadPoolExecutor pool;
  private final BasicAuthenticator authenticator;
  private final String realm;
  private final List<Channel> channels = new CopyOnWriteArrayList<>();

  public HttpServer(RestApi api, int maxBodyBytes, int handlerThreads, int maxQueuedRequests) {
    this(api, maxBodyBytes, handlerThreads, maxQueuedRequests, null, null);
  }

  /** With {@code authenticator} null every request is allowed; {@code realm} is named in 401 answers. */
  public HttpServer(RestApi api, int maxBodyBytes, int handlerThreads, int maxQueuedRequests,
      BasicAuthenticator authenticator, String realm) {
    this.api = api;
    this.maxBodyBytes = maxBodyBytes;
    this.authenticator = authenticator;
    this.realm = realm;
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(handlerThreads, handlerThreads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(maxQueuedRequests), r -> {
          Thread t = new Thread(r, "registry-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Binds a plain HTTP listener and returns the bound address (port 0 picks a free port). */
  public InetSocketAddress start(String host, int port) throws InterruptedException {
    return start(host, port, null);
  }

  /** Binds a listener, HTTPS when {@code tls} is not null; returns the bound address (port 0 picks a free port). */
  public InetSocketAddress start(String host, int port, SslEngineFactory tls) throws InterruptedException {
    ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (tls != null) {
              InetSocketAddress peer = ch.remoteAddress();
              SSLEngine engine = tls.createServerSslEngine(peer.getHostString(), peer.getPort());
              ch.pipeline().addLast(new SslHandler(engine));
            }
            ch.pipeline().addLast(new HttpServerCodec(8192, 16384, 8192));
            ch.pipeline().addLast(new Aggregator(maxBodyBytes));
            ch.pipeline().addLast(new Handler());
          }
        });
    Channel channel = b.bind(host, port).sync().channel();
    channels.add(channel);
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    for (Channel channel : channels) {
      channel.close().awaitUninterruptibly();
    }
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    pool.shutdownNow();
  }

  /** Answers an oversized body with Confluent-style JSON instead of Netty's empty 413. */
  private static final class Aggregator extends HttpObjectAggregator {
    /** How long a connection that sent an oversized body may stay open for the client to read the 413. */
    static final long OVERSIZED_CLOSE_DELAY_MS = 5_000;
    private final int max;

    Aggregator(int maxBytes) {
      super(maxBytes);
      this.max = maxBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      HttpResult r = RestApi.error(413, 413, "Request body too large: the limit is " + max
          + " bytes (registry.max.request.bytes)");
      FullHttpResponse resp = toNetty(r);
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      // Closing now, while the client is still sending the body, resets the connection and can lose
      // the 413 on its way. The aggregator discards the rest of the body; the client closes after
      // reading "Connection: close", and we close anyway after a grace period.
      ctx.writeAndFlush(resp);
      ctx.executor().schedule(() -> {
        ctx.close();
      }, OVERSIZED_CLOSE_DELAY_MS, TimeUnit.MILLISECONDS);
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      boolean keepAlive = HttpUtil.isKeepAlive(msg);
      byte[] body = new byte[msg.content().readableBytes()];
      msg.content().readBytes(body);
      String authorization = msg.headers().get(HttpHeaderNames.AUTHORIZATION);
      RestApi.Request req = new RestApi.Request(msg.method().name(), msg.uri(),
          msg.headers().get(HttpHeaderNames.CONTENT_TYPE), body,
          msg.headers().contains(RestApi.FORWARDED_HEADER), authorization);
      boolean quickAuth = authenticator == null || authenticator.isRemembered(authorization);
      if (req.method().equals("GET") && quickAuth) {
        // reads only touch the in-memory state and never block: answer on the event loop
        respond(ctx, authorizedHandle(req), keepAlive);
        return;
      }
      try {
        pool.execute(() -> respond(ctx, authorizedHandle(req), keepAlive));
      } catch (RejectedExecutionException e) {
        respond(ctx, RestApi.error(503, 50002, "Too many requests queued: retry shortly"), false);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("HTTP connection error", cause);
      ctx.close();
    }
  }

  /** The API's answer, or 401/403 when authentication is on and the request may not pass. */
  private HttpResult authorizedHandle(RestApi.Request req) {
    if (authenticator == null) {
      return api.handle(req);
    }
    AuthDecision d = authenticator.decide(req.authorization(), req.method(), req.rawUri());
    if (d instanceof AuthDecision.Unauthenticated u) {
      return api.refused(req, RestApi.error(401, 401, u.message())
          .withHeader(HttpHeaderNames.WWW_AUTHENTICATE.toString(), "Basic realm=\"" + realm + "\""));
    }
    if (d instanceof AuthDecision.Forbidden f) {
      return api.refused(req, RestApi.error(403, 403, f.message()));
    }
    return api.handle(req);
  }

  private static void respond(ChannelHandlerContext ctx, HttpResult r, boolean keepAlive) {
    FullHttpResponse resp = toNetty(r);
    if (keepAlive) {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(resp);
    } else {
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static FullHttpResponse toNetty(HttpResult r) {
    ByteBuf buf = Unpooled.wrappedBuffer(r.body());
    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(r.status()), buf);
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    if (r.appliedOffset() >= 0) {
      resp.headers().set(HttpResult.OFFSET_HEADER, Long.toString(r.appliedOffset()));
    }
    r.headers().forEach((name, value) -> resp.headers().set(name, value));
    return resp;
  }
}
