package io.tributary.log.network;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;

/**
 * Lets Netty write a kafka-clients {@link Send}: header bytes by plain writes and record sets that live
 * in segment files by {@link FileChannel#transferTo} (sendfile), so fetched data is never copied into
 * the JVM heap.
 */
final class SendFileRegion extends AbstractReferenceCounted implements FileRegion {
  private final Send send;
  private long transferred;

  SendFileRegion(Send send) {
    this.send = send;
  }

  @Override
  public long position() {
    return 0;
  }

  @Override
  @Deprecated
  public long transfered() {
    return transferred;
  }

  @Override
  public long transferred() {
    return transferred;
  }

  @Override
  public long count() {
    return send.size();
  }

  @Override
  public long transferTo(WritableByteChannel target, long position) throws IOException {
    long written = send.writeTo(new Channel(target));
    transferred += written;
    return written;
  }

  @Override
  public FileRegion retain() {
    super.retain();
    return this;
  }

  @Override
  public FileRegion retain(int increment) {
    super.retain(increment);
    return this;
  }

  @Override
  public FileRegion touch() {
    return this;
  }

  @Override
  public FileRegion touch(Object hint) {
    return this;
  }

  @Override
  protected void deallocate() {}

  /** The socket seen as Kafka's transferable channel. */
  private static final class Channel implements TransferableChannel {
    private final WritableByteChannel target;

    Channel(WritableByteChannel target) {
      this.target = target;
    }

    @Override
    public boolean hasPendingWrites() {
      return false;
    }

    @Override
    public long transferFrom(FileChannel fileChannel, long position, long count) throws IOException {
      return fileChannel.transferTo(position, count, target);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        int n = target.write(srcs[i]);
        total += n;
        if (srcs[i].hasRemaining()) {
          break;
        }
      }
      return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
      return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return target.write(src);
    }

    @Override
    public boolean isOpen() {
      return target.isOpen();
    }

    @Override
    public void close() throws IOException {
      target.close();
    }
  }
}
