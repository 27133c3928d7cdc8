package io.tributary.log.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.protocol.ProtocolException;
import io.tributary.log.protocol.RequestDecoder;
import io.tributary.log.protocol.ResponseEncoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, on its event loop: decodes frames, hands requests to the
 * {@link RequestHandlerPool} one at a time in arrival order ({@link RequestSequencer}), and writes
 * responses in that same order even when some complete later (long-poll fetches, acks=all). The event
 * loop only reads, decodes, encodes and writes; the {@link RequestHandler} runs on a handler thread.
 * A frame that cannot be answered within the protocol closes the connection; nothing else is affected.
 * Reading pauses while a request waits for the pool or while {@link QueuedRequestBytes} is at its bound;
 * a connection idle (no request in flight) when the pipeline's idle timer fires is closed.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
  /** A limit on responses a client may have outstanding on one connection. */
  static final int MAX_IN_FLIGHT = 1000;

  private final RequestDecoder decoder;
  private final RequestHandler handler;
  private final RequestHandlerPool pool;
  private final QueuedRequestBytes queuedBytes;
  private final Listener listener;
  /** The SASL exchange of a SASL listener's connection; null on other listeners. */
  private final SaslAuthenticator authenticator;
  /** Response slots in arrival order: written from the head as they fill. */
  private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
  private final RequestSequencer<Handling> sequencer = new RequestSequencer<>();
  private ChannelHandlerContext ctx;
  private RequestHandler.ConnectionInfo info;
  /** A space callback is registered with the pool (it refused this connection's request). */
  private boolean awaitingSpace;
  /** A room callback is registered with {@link #queuedBytes} (it was at its bound). */
  private boolean awaitingRoom;

  ConnectionHandler(RequestDecoder decoder, RequestHandler handler, RequestHandlerPool pool, QueuedRequestBytes queuedBytes,
      Listener listener) {
    this.listener = listener;
    this.authenticator = listener.usesSasl() ? new SaslAuthenticator(listener.sasl()) : null;
    this.decoder = decoder;
    this.handler = handler;
    this.pool = pool;
    this.queuedBytes = queuedBytes;
  }

  /** A response slot, filled when the handler completes. */
  private static final class Pending {
    final RequestHeader header;
    final short version;
    Send send;
    boolean done;

    Pending(RequestHeader header, short version) {
      this.header = header;
      this.version = version;
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    info = new RequestHandler.ConnectionInfo(ctx.channel().id().asShortText(), String.valueOf(remote), listener.name(),
        listener.protocol(), KafkaPrincipal.ANONYMOUS, remote.getAddress());
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    long receivedNanos = System.nanoTime();
    int frameBytes = buf.readableBytes();
    RequestDecoder.Decoded decoded;
    try {
      ByteBuffer frame = ByteBuffer.allocate(buf.readableBytes());
      buf.readBytes(frame);
      frame.flip();
      if (authenticator != null && authenticator.state() == SaslAuthenticator.State.RAW_TOKENS) {
        rawSaslToken(frame);
        return;
      }
      decoded = decoder.decode(frame, receivedNanos);
    } catch (ProtocolException e) {
      log.warn("closing connection from {}: {}", info.remoteAddress(), e.getMessage());
      ctx.close();
      return;
    } finally {
      buf.release();
    }
    if (inFlight.size() >= MAX_IN_FLIGHT) {
      log.warn("closing connection from {}: more than {} requests in flight", info.remoteAddress(), MAX_IN_FLIGHT);
      ctx.close();
      return;
    }
    if (decoded instanceof RequestDecoder.Answer answer) {
      Pending p = new Pending(answer.header(), answer.responseVersion());
      inFlight.add(p);
      complete(p, answer.response(), null);
      return;
    }
    KafkaRequest request = ((RequestDecoder.Request) decoded).request();
    if (authenticator != null && !authenticator.admits(request.apiKey())) {
      log.warn("closing connection from {} on listener {}: {} before SASL authentication completed",
          info.remoteAddress(), listener.name(), request.apiKey());
      ctx.close();
      return;
    }
    if (request.apiKey() == ApiKeys.SASL_HANDSHAKE || request.apiKey() == ApiKeys.SASL_AUTHENTICATE) {
      answerSasl(request);
      return;
    }
    Pending pending = new Pending(request.header(), request.version());
    inFlight.add(pending);
    queuedBytes.add(frameBytes);
    sequencer.add(new Handling(request, pending, frameBytes));
    handOver();
  }

  /**
   * Answers SaslHandshake and SaslAuthenticate on the event loop, in order with the connection's other answers;
   * a failed exchange closes the connection once its answer is written.
   */
  private void answerSasl(KafkaRequest request) {
    // Only a SASL listener's decoder accepts these APIs, so the authenticator is there.
    ApiMessage response = request.apiKey() == ApiKeys.SASL_HANDSHAKE ? authenticator.handshake(request) : authenticator.authenticate(request);
    Pending pending = new Pending(request.header(), request.version());
    inFlight.add(pending);
    complete(pending, response, null);
    afterSaslStep();
  }

  /** A raw SASL token after a v0 SaslHandshake: answered with a raw size-prefixed token. */
  private void rawSaslToken(ByteBuffer frame) {
    byte[] challenge = authenticator.rawToken(frame);
    if (challenge == null) {
      log.info("closing connection from {} on listener {}: SASL authentication failed", info.remoteAddress(), listener.name());
      ctx.close();
      return;
    }
    ByteBuf out = ctx.alloc().buffer(4 + challenge.length).writeInt(challenge.length).writeBytes(challenge);
    ctx.writeAndFlush(out);
    afterSaslStep();
  }

  private void afterSaslStep() {
    if (authenticator.state() == SaslAuthenticator.State.COMPLETE) {
      info = info.withPrincipal(authenticator.principal());
    } else if (authenticator.state() == SaslAuthenticator.State.FAILED) {
      log.info("closing connection from {} on listener {}: SASL authentication failed", info.remoteAddress(), listener.name());
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Closes a connection idle for connections.max.idle.ms, unless a request of it is still in flight. */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      // A parked long-poll or acks=all answer is not idleness: the timer fires again one idle time later.
      if (inFlight.isEmpty()) {
        log.debug("closing connection from {}: idle for connections.max.idle.ms", info.remoteAddress());
        ctx.close();
      }
      return;
    }
    if (event instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess() && authenticator == null) {
      // SSL: the principal is the client certificate's distinguished name, as Kafka's default mapping has it.
      info = info.withPrincipal(TlsPrincipal.of(ctx.pipeline().get(SslHandler.class).engine()));
    }
    ctx.fireUserEventTriggered(event);
  }

  /** Requests that never reached the pool give their bytes back; one at a handler does when it returns. */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    List<Handling> dropped = sequencer.dropWaiting();
    for (Handling h : dropped) {
      queuedBytes.release(h.frameBytes);
    }
    ctx.fireChannelInactive();
  }

  /**
   * Hands the next waiting request to the pool if none is there; reads only while none waits and the
   * queued request bytes are below their bound.
   */
  private void handOver() {
    Handling next;
    while ((next = sequencer.next()) != null) {
      if (pool.offer(next)) {
        sequencer.handedOver();
      } else if (!awaitingSpace) {
        awaitingSpace = true;
        pool.whenSpace(() -> ctx.executor().execute(() -> {
          awaitingSpace = false;
          handOver();
        }));
        // Loop to offer once more: a slot may have freed before the callback was registered.
      } else {
        break;
      }
    }
    boolean read = sequencer.shouldRead() && roomForRequests();
    if (ctx.channel().config().isAutoRead() != read) {
      ctx.channel().config().setAutoRead(read);
    }
  }

  /** Whether the queued request bytes leave room; if not, asks once to be called back when they do. */
  private boolean roomForRequests() {
    if (queuedBytes.hasRoom()) {
      return true;
    }
    if (!awaitingRoom) {
      awaitingRoom = true;
      queuedBytes.whenRoom(() -> ctx.executor().execute(() -> {
        awaitingRoom = false;
        handOver();
      }));
    }
    // Asked again after registering: room freed in between is not missed (the callback is then harmless).
    return queuedBytes.hasRoom();
  }

  /** Called on the event loop when the handler has returned from {@code handling}. */
  private void handlerReturned(Handling handling) {
    sequencer.handlerReturned();
    queuedBytes.release(handling.frameBytes);
  }

  /** One request's turn on a handler thread. */
  private final class Handling implements Runnable {
    final KafkaRequest request;
    final Pending pending;
    /** The request's frame size, counted in {@link #queuedBytes} until the handler returns. */
    final int frameBytes;

    Handling(KafkaRequest request, Pending pending, int frameBytes) {
      this.request = request;
      this.pending = pending;
      this.frameBytes = frameBytes;
    }

    @Override
    public void run() {
      CompletableFuture<ApiMessage> future;
      try {
        future = handler.handle(request, info);
      } catch (RuntimeException e) {
        future = CompletableFuture.failedFuture(e);
      }
      CompletableFuture<ApiMessage> answer = future;
      if (answer.isDone()) {
        // The common case: one trip back to the event loop both answers and hands over the next request.
        ctx.executor().execute(() -> {
          handlerReturned(this);
          answer.whenComplete(this::respond);
          handOver();
        });
        return;
      }
      ctx.executor().execute(() -> {
        handlerReturned(this);
        handOver();
      });
      answer.whenComplete((response, error) -> {
        if (ctx.executor().inEventLoop()) {
          respond(response, error);
        } else {
          ctx.executor().execute(() -> respond(response, error));
        }
      });
    }

    private void respond(ApiMessage response, Throwable error) {
      complete(pending, response, error == null ? null : failure(request, error));
    }
  }

  private ApiMessage failure(KafkaRequest request, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    log.error("{} v{} from {} failed", request.apiKey(), request.version(), info.remoteAddress(), cause);
    return request.errorResponse(cause);
  }

  private void complete(Pending pending, ApiMessage response, ApiMessage errorResponse) {
    ApiMessage body = errorResponse != null ? errorResponse : response;
    pending.done = true;
    if (body != null) {
      try {
        pending.send = ResponseEncoder.encode(pending.header, body, pending.version);
      } catch (RuntimeException e) {
        // A field set that does not exist in this version: a bug of ours; the client sees a disconnect.
        log.error("cannot encode {} v{} response; closing connection", pending.header.apiKey(), pending.version, e);
        ctx.close();
        return;
      }
    }
    boolean wrote = false;
    while (!inFlight.isEmpty() && inFlight.peek().done) {
      Pending head = inFlight.poll();
      if (head.send != null) {
        if (!write(head.send)) {
          return;
        }
        wrote = true;
      }
    }
    if (wrote) {
      ctx.flush();
    }
  }

  /** Writes one response: by sendfile on plaintext, in pooled direct chunks under TLS (KafkaServer's "chunks"). */
  private boolean write(Send send) {
    if (!listener.usesTls()) {
      ctx.write(new SendFileRegion(send));
      return true;
    }
    ctx.write(new SendChunks(send)).addListener(written -> {
      if (!written.isSuccess() && !(written.cause() instanceof ClosedChannelException)) {
        // A response cut short leaves the client reading garbage: the connection cannot go on.
        log.warn("closing connection from {}: cannot send a response: {}", info.remoteAddress(), written.cause().toString());
        ctx.close();
      }
    });
    return true;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException) {
      log.warn("closing connection from {}: {}", info == null ? "?" : info.remoteAddress(), cause.getMessage());
    } else if (cause instanceof IOException) {
      log.debug("connection from {} failed: {}", info == null ? "?" : info.remoteAddress(), cause.toString());
    } else {
      log.warn("closing connection from {}", info == null ? "?" : info.remoteAddress(), cause);
    }
    ctx.close();
  }
}
