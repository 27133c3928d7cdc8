package io.tributary.connect.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A directory of the local file system. */
final class LocalFileStore implements FileStore {
  private final Path dir;

  LocalFileStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public List<Entry> list() throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new FileNotFoundException(dir + " is not a directory (or does not exist yet)");
    }
    List<Entry> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (!FileStore.visible(name)) {
          continue;
        }
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          if (a.isRegularFile()) {
            out.add(new Entry(name, a.size()));
          }
        } catch (NoSuchFileException gone) {
          // removed between the listing and the stat: not there
        }
      }
    }
    out.sort(Comparator.comparing(Entry::name));
    return out;
  }

  @Override
  public InputStream open(String name, long offset) throws IOException {
    FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.READ);
    ch.position(offset);
    return Channels.newInputStream(ch);
  }

  @Override
  public String describe() {
    return dir.toString();
  }
}
