package io.tributary.log.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;

/**
 * A kafka-clients {@link Send} copied into one pooled direct buffer: the path for TLS connections, where the
 * bytes must pass through the {@code SslHandler} and cannot go from the segment file to the socket by
 * sendfile ({@link SendFileRegion}). Record sets are read straight from the file channel into the direct
 * buffer, so the copy never passes through the heap.
 */
final class SendBuffers {
  private SendBuffers() {}

  static ByteBuf copy(ByteBufAllocator allocator, Send send) throws IOException {
    long size = send.size();
    if (size > Integer.MAX_VALUE) {
      throw new IOException("a response of " + size + " bytes does not fit one buffer");
    }
    ByteBuf buffer = allocator.directBuffer((int) size, (int) size);
    try {
      Into target = new Into(buffer);
      while (!send.completed()) {
        if (send.writeTo(target) == 0 && !send.completed()) {
          throw new IOException("the response stopped after " + buffer.writerIndex() + " of " + size + " bytes");
        }
      }
      return buffer;
    } catch (IOException | RuntimeException e) {
      buffer.release();
      throw e;
    }
  }

  /** A buffer seen as the channel a Send writes to. */
  private static final class Into implements TransferableChannel {
    private final ByteBuf buffer;

    Into(ByteBuf buffer) {
      this.buffer = buffer;
    }

    @Override
    public boolean hasPendingWrites() {
      return false;
    }

    @Override
    public long transferFrom(FileChannel fileChannel, long position, long count) throws IOException {
      int length = (int) Math.min(count, buffer.writableBytes());
      // -1 at the file's end: no progress, which the caller reports.
      return Math.max(0, buffer.writeBytes(fileChannel, position, length));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
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
      int n = src.remaining();
      buffer.writeBytes(src);
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
