package io.tributary.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small tmpfs mounted on a directory (needs root), for a real full disk: {@link #fill()} writes a filler file
 * until the file system says no space is left, {@link #free()} deletes it.
 */
public final class TmpfsMount implements AutoCloseable {
  /** Filler writes in chunks of this many bytes; the last one fails with ENOSPC. */
  static final int CHUNK_BYTES = 64 * 1024;

  private final Path dir;
  private final Path filler;

  private TmpfsMount(Path dir) {
    this.dir = dir;
    this.filler = dir.resolve("disk-filler");
  }

  /** Mounts a tmpfs of {@code sizeBytes} on {@code dir} (created); fails naming the reason. */
  public static TmpfsMount mount(Path dir, long sizeBytes) throws IOException {
    Files.createDirectories(dir);
    Command.run("umount", "-l", dir.toString()); // a killed run's mount
    Command.check("mount", "-t", "tmpfs", "-o", "size=" + sizeBytes, "tmpfs", dir.toString());
    return new TmpfsMount(dir);
  }

  /** True if this process may mount a tmpfs (tried on a scratch directory). */
  public static boolean available(Path scratch) throws IOException {
    Files.createDirectories(scratch);
    boolean ok = Command.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", scratch.toString()).ok();
    if (ok) {
      Command.run("umount", scratch.toString());
    }
    return ok;
  }

  /** Writes a filler file until no space is left; returns the bytes written. */
  public long fill() throws IOException {
    byte[] chunk = new byte[CHUNK_BYTES];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
        written += chunk.length;
      }
    } catch (IOException e) {
      if (Files.getFileStore(dir).getUsableSpace() > CHUNK_BYTES) {
        throw e; // not a full disk
      }
    }
    return written;
  }

  /** Deletes the filler: the space is back. */
  public void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  public Path dir() {
    return dir;
  }

  /** Lazy unmount: the files of a process that still holds them open do not keep the mount busy. */
  @Override
  public void close() {
    Command.run("umount", "-l", dir.toString());
  }
}
