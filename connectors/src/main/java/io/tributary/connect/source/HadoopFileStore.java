package io.tributary.connect.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A directory of a Hadoop file system ({@code hdfs://namenode:port/dir}, or any scheme Hadoop knows). */
final class HadoopFileStore implements FileStore {
  private final URI uri;
  private final Path dir;
  private final FileSystem fs;

  HadoopFileStore(URI uri, Configuration conf) throws IOException {
    this.uri = uri;
    this.dir = new Path(uri);
    // a private instance: closing it must not close the cached one other code (Hudi) shares
    this.fs = FileSystem.newInstance(uri, conf);
  }

  @Override
  public List<Entry> list() throws IOException {
    FileStatus[] statuses;
    try {
      statuses = fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      throw new FileNotFoundException(uri + " does not exist (yet)");
    }
    List<Entry> out = new ArrayList<>();
    for (FileStatus s : statuses) {
      String name = s.getPath().getName();
      if (s.isFile() && FileStore.visible(name)) {
        out.add(new Entry(name, s.getLen()));
      }
    }
    out.sort(Comparator.comparing(Entry::name));
    return out;
  }

  @Override
  public InputStream open(String name, long offset) throws IOException {
    FSDataInputStream in = fs.open(new Path(dir, name));
    in.seek(offset);
    return in;
  }

  @Override
  public String describe() {
    return uri.toString();
  }

  @Override
  public void close() throws IOException {
    fs.close();
  }
}
