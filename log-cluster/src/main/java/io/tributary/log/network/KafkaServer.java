package io.tributary.log.network;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tributary.log.protocol.RequestDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka-protocol listeners (PLAINTEXT, SSL with Netty's {@code SslHandler}, SASL_PLAINTEXT, SASL_SSL with
 * a {@link SaslAuthenticator} per connection): 4-byte size-prefixed frames (larger than {@code maxRequestBytes} close the
 * connection), one {@link ConnectionHandler} per connection. NIO transport, so that file regions are
 * written with sendfile. The event loops ({@code threads}) only read, decode, encode and write; requests
 * are handled on a {@link RequestHandlerPool} of {@code ioThreads} threads with {@code queuedMaxRequests}
 * queue slots.
 *
 * <p>The {@link NetworkLimits}: a connection over {@code max.connections} or {@code max.connections.per.ip}
 * is closed as it is accepted; one with no request in flight and no traffic for
 * {@code connections.max.idle.ms} is closed; reading pauses while {@code queued.max.request.bytes} are
 * queued. A half-received frame is held in its own connection's decoder (at most {@code maxRequestBytes}
 * plus one read, since a larger size prefix is refused at once) and released when the connection closes;
 * reads never block, so a client trickling a frame holds only its own connection.
 */
public final class KafkaServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaServer.class);
  private final List<Listener> listeners;
  private final int maxRequestBytes;
  private final int threads;
  private final int ioThreads;
  private final int queuedMaxRequests;
  private final NetworkLimits limits;
  private final RequestDecoder decoder;
  private final RequestHandler handler;
  private EventLoopGroup acceptor;
  private EventLoopGroup workers;
  /** The bound channel of each listener, by listener name. */
  private final Map<String, Channel> serverChannels = new LinkedHashMap<>();
  private RequestHandlerPool pool;
  private ConnectionQuotas quotas;
  private QueuedRequestBytes queuedBytes;

  /** One PLAINTEXT listener at {@code host:port}. */
  public KafkaServer(String host, int port, int maxRequestBytes, int threads, int ioThreads, int queuedMaxRequests,
      NetworkLimits limits, RequestDecoder decoder, RequestHandler handler) {
    this(List.of(Listener.plaintext(host, port)), maxRequestBytes, threads, ioThreads, queuedMaxRequests, limits, decoder, handler);
  }

  /** The given listeners, sharing the event loops, the request-handler pool and the connection limits. */
  public KafkaServer(List<Listener> listeners, int maxRequestBytes, int threads, int ioThreads, int queuedMaxRequests,
      NetworkLimits limits, RequestDecoder decoder, RequestHandler handler) {
    if (listeners.isEmpty()) {
      throw new IllegalArgumentException("a broker needs at least one listener");
    }
    this.listeners = List.copyOf(listeners);
    this.maxRequestBytes = maxRequestBytes;
    this.threads = threads;
    this.ioThreads = ioThreads;
    this.queuedMaxRequests = queuedMaxRequests;
    this.limits = limits;
    this.decoder = decoder;
    this.handler = handler;
  }

  public synchronized void start() throws InterruptedException {
    pool = new RequestHandlerPool(ioThreads, queuedMaxRequests);
    quotas = new ConnectionQuotas(limits.connections());
    queuedBytes = new QueuedRequestBytes(limits.queuedMaxRequestBytes());
    acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("kafka-acceptor"));
    workers = new NioEventLoopGroup(threads, new DefaultThreadFactory("kafka-network"));
    for (Listener listener : listeners) {
      serverChannels.put(listener.name(), bind(listener));
    }
  }

  private Channel bind(Listener listener) throws InterruptedException {
    // SaslHandshake and SaslAuthenticate exist only where SASL is spoken: elsewhere they are not served.
    RequestDecoder listenerDecoder = listener.usesSasl() ? decoder.forSasl() : decoder;
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(acceptor, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.SO_BACKLOG, 512)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (!admit(ch)) {
              return;
            }
            // First, so that every byte read or written (even of a half-received frame) counts as activity.
            ch.pipeline().addLast("idle", new IdleStateHandler(true, 0, 0, limits.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS));
            if (listener.usesTls()) {
              ch.pipeline().addLast("tls", listener.tls().newHandler(ch.alloc()));
              // Responses under TLS are SendChunks, read from the segment files as the socket drains.
              ch.pipeline().addLast("chunks", new ChunkedWriteHandler());
            }
            ch.pipeline()
                .addLast("frames", new LengthFieldBasedFrameDecoder(maxRequestBytes + 4, 0, 4, 0, 4, true))
                .addLast("requests", new ConnectionHandler(listenerDecoder, handler, pool, queuedBytes, listener));
          }
        });
    return bootstrap.bind(listener.host(), listener.port()).sync().channel();
  }

  /** Counts a new connection against the connection limits, or closes it with a WARN naming the limit. */
  private boolean admit(SocketChannel ch) {
    InetAddress address = ch.remoteAddress().getAddress();
    ConnectionLimits.Refusal refusal = quotas.tryOpen(address);
    if (refusal != null) {
      log.warn("closing connection from {}: {} ({}) reached", ch.remoteAddress(), refusal.key(), refusal.limit());
      ch.close();
      return false;
    }
    ch.closeFuture().addListener(closed -> quotas.closed(address));
    return true;
  }

  /** The port of the first listener (the only one of a single-listener broker). */
  public int boundPort() {
    return boundPort(listeners.get(0).name());
  }

  /** The port listener {@code name} is bound to (useful with port 0). */
  public int boundPort(String name) {
    Channel channel = serverChannels.get(name);
    if (channel == null) {
      throw new IllegalArgumentException("no listener named " + name);
    }
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public synchronized void close() {
    for (Channel channel : serverChannels.values()) {
      channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (acceptor != null) {
      acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    // Before the event loops: the requests being handled finish, and their answers can still be written.
    if (pool != null) {
      pool.close();
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
