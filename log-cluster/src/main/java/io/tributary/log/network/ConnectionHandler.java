package io.tributary.log.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.protocol.ProtocolException;
import io.tributary.log.protocol.RequestDecoder;
import io.tributary.log.protocol.ResponseEncoder;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: decodes frames, hands requests to the {@link RequestHandler} in arrival order,
 * and writes responses in that same order even when some complete later (long-poll fetches, acks=all).
 * A frame that cannot be answered within the protocol closes the connection; nothing else is affected.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
  /** A limit on responses a client may have outstanding on one connection. */
  static final int MAX_IN_FLIGHT = 1000;

  private final RequestDecoder decoder;
  private final RequestHandler handler;
  private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
  private RequestHandler.ConnectionInfo info;

  ConnectionHandler(RequestDecoder decoder, RequestHandler handler) {
    this.decoder = decoder;
    this.handler = handler;
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
    info = new RequestHandler.ConnectionInfo(ctx.channel().id().asShortText(), String.valueOf(ctx.channel().remoteAddress()));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    long receivedNanos = System.nanoTime();
    RequestDecoder.Decoded decoded;
    try {
      ByteBuffer frame = ByteBuffer.allocate(buf.readableBytes());
      buf.readBytes(frame);
      frame.flip();
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
      complete(ctx, p, answer.response(), null);
      return;
    }
    KafkaRequest request = ((RequestDecoder.Request) decoded).request();
    Pending pending = new Pending(request.header(), request.version());
    inFlight.add(pending);
    CompletableFuture<ApiMessage> future;
    try {
      future = handler.handle(request, info);
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.whenComplete((response, error) -> {
      if (ctx.executor().inEventLoop()) {
        complete(ctx, pending, response, error == null ? null : failure(request, error));
      } else {
        ctx.executor().execute(() -> complete(ctx, pending, response, error == null ? null : failure(request, error)));
      }
    });
  }

  private ApiMessage failure(KafkaRequest request, Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    log.error("{} v{} from {} failed", request.apiKey(), request.version(), info.remoteAddress(), cause);
    return request.errorResponse(cause);
  }

  private void complete(ChannelHandlerContext ctx, Pending pending, ApiMessage response, ApiMessage errorResponse) {
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
        ctx.write(new SendFileRegion(head.send));
        wrote = true;
      }
    }
    if (wrote) {
      ctx.flush();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException) {
      log.warn("closing connection from {}: {}", info == null ? "?" : info.remoteAddress(), cause.getMessage());
    } else if (cause instanceof java.io.IOException) {
      log.debug("connection from {} failed: {}", info == null ? "?" : info.remoteAddress(), cause.toString());
    } else {
      log.warn("closing connection from {}", info == null ? "?" : info.remoteAddress(), cause);
    }
    ctx.close();
  }
}
