package io.tributary.connect.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** The directory a files source reads: its files (name and size) and their bytes from an offset. */
interface FileStore extends Closeable {

  /** A file of the directory. */
  record Entry(String name, long size) {}

  /**
   * The regular files directly in the directory, by name; names starting with {@code .} or {@code _} are
   * skipped (files being written elsewhere and renamed in when complete, as Hadoop and Spark do).
   *
   * @throws java.io.FileNotFoundException when the directory does not exist (yet)
   */
  List<Entry> list() throws IOException;

  /** The bytes of file {@code name} from {@code offset} on. */
  InputStream open(String name, long offset) throws IOException;

  /** The directory, for messages. */
  String describe();

  @Override
  default void close() throws IOException {}

  /** Whether a file name is one the source reads. */
  static boolean visible(String name) {
    return !name.startsWith(".") && !name.startsWith("_");
  }
}
