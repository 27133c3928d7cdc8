package io.tributary.log.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;

/**
 * A kafka-clients {@link Send} read in pooled direct chunks: the path for TLS connections, where the bytes must
 * pass through the {@code SslHandler} and cannot go from the segment file to the socket by sendfile
 * ({@link SendFileRegion}). Record sets are read straight from the file channel into each chunk, so the copy
 * never passes through the heap. The {@link ChunkedWriteHandler} asks for the next chunk only while the socket
 * takes more, so a fetch response of 50 MB holds one chunk at a time, not a 50 MB buffer outside the pool.
 */
final class SendChunks implements ChunkedInput<ByteBuf> {
  /**
   * Bytes per chunk: four TLS records' worth (16 KiB of plaintext each, cut by the SslHandler), a size the
   * pooled allocator serves from its arenas; one read system call per 64 KiB of fetched data.
   */
  static final int CHUNK_BYTES = 64 * 1024;

  private final Send send;
  private final long size;
  private long progress;

  SendChunks(Send send) {
    this.send = send;
    this.size = send.size();
  }

  @Override
  public boolean isEndOfInput() {
    return send.completed();
  }

  @Override
  public void close() {}

  @Override
  @Deprecated
  public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
    return readChunk(ctx.alloc());
  }

  @Override
  public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
    if (send.completed()) {
      return null;
    }
    int length = (int) Math.min(CHUNK_BYTES, size - progress);
    ByteBuf chunk = allocator.directBuffer(length, length);
    try {
      Into target = new Into(chunk);
      while (chunk.isWritable() && !send.completed()) {
        if (send.writeTo(target) == 0 && !send.completed()) {
          throw new IOException("the response stopped after " + (progress + chunk.writerIndex()) + " of " + size + " bytes");
        }
      }
      progress += chunk.writerIndex();
      return chunk;
    } catch (IOException | RuntimeException e) {
      chunk.release();
      throw e;
    }
  }

  @Override
  public long length() {
    return size;
  }

  @Override
  public long progress() {
    return progress;
  }

  /** A chunk seen as the channel a Send writes to: it takes what fits, as a socket with a full buffer would. */
  private static final class Into implements TransferableChannel {
    private final ByteBuf chunk;

    Into(ByteBuf chunk) {
      this.chunk = chunk;
    }

    @Override
    public boolean hasPendingWrites() {
      return false;
    }

    @Override
    public long transferFrom(FileChannel fileChannel, long position, long count) throws IOException {
      int length = (int) Math.min(count, chunk.writableBytes());
      // -1 at the file's end: no progress, which the caller reports.
      return Math.max(0, chunk.writeBytes(fileChannel, position, length));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
      long total = 0;
      for (int i = offset; i < offset + length && chunk.isWritable(); i++) {
        total += write(srcs[i]);
      }
      return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) {
      return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) {
      int n = Math.min(src.remaining(), chunk.writableBytes());
      ByteBuffer part = src.duplicate();
      part.limit(part.position() + n);
      chunk.writeBytes(part);
      src.position(src.position() + n);
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
