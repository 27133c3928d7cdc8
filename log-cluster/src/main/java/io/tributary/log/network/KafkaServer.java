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
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tributary.log.protocol.RequestDecoder;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka-protocol listener: 4-byte size-prefixed frames (larger than {@code maxRequestBytes} close the
 * connection), one {@link ConnectionHandler} per connection. NIO transport, so that file regions are
 * written with sendfile. The event loops ({@code threads}) only read, decode, encode and write; requests
 * are handled on a {@link RequestHandlerPool} of {@code ioThreads} threads with {@code queuedMaxRequests}
 * queue slots.
 */
public final class KafkaServer implements AutoCloseable {
  private final String host;
  private final int port;
  private final int maxRequestBytes;
  private final int threads;
  private final int ioThreads;
  private final int queuedMaxRequests;
  private final RequestDecoder decoder;
  private final RequestHandler handler;
  private EventLoopGroup acceptor;
  private EventLoopGroup workers;
  private Channel serverChannel;
  private RequestHandlerPool pool;

  public KafkaServer(String host, int port, int maxRequestBytes, int threads, int ioThreads, int queuedMaxRequests,
      RequestDecoder decoder, RequestHandler handler) {
    this.host = host;
    this.port = port;
    this.maxRequestBytes = maxRequestBytes;
    this.threads = threads;
    this.ioThreads = ioThreads;
    this.queuedMaxRequests = queuedMaxRequests;
    this.decoder = decoder;
    this.handler = handler;
  }

  public synchronized void start() throws InterruptedException {
    pool = new RequestHandlerPool(ioThreads, queuedMaxRequests);
    acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("kafka-acceptor"));
    workers = new NioEventLoopGroup(threads, new DefaultThreadFactory("kafka-network"));
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
            ch.pipeline()
                .addLast("frames", new LengthFieldBasedFrameDecoder(maxRequestBytes + 4, 0, 4, 0, 4, true))
                .addLast("requests", new ConnectionHandler(decoder, handler, pool));
          }
        });
    serverChannel = bootstrap.bind(host, port).sync().channel();
  }

  public int boundPort() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  @Override
  public synchronized void close() {
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
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
