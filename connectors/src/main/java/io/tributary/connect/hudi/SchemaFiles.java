package io.tributary.connect.hudi;

import io.tributary.connect.runtime.PipelineRunner;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads {@code schema.file}: an Avro schema (.avsc) on a Hadoop file system or the local one. */
final class SchemaFiles {
  /** Largest schema file read: a value schema is a few kilobytes. */
  static final int MAX_SCHEMA_BYTES = 1024 * 1024;

  private SchemaFiles() {}

  static Schema read(URI file, Configuration conf, Object pipelineFile) throws IOException {
    Path path = new Path(file);
    FileSystem fs = path.getFileSystem(conf);
    byte[] bytes;
    try (InputStream in = fs.open(path)) {
      bytes = in.readNBytes(MAX_SCHEMA_BYTES + 1);
    } catch (IOException e) {
      throw new PipelineRunner.NotRunnableException(pipelineFile + ": schema.file '" + file + "' cannot be read: " + e);
    }
    if (bytes.length > MAX_SCHEMA_BYTES) {
      throw new PipelineRunner.NotRunnableException(pipelineFile + ": schema.file '" + file + "' is larger than "
          + MAX_SCHEMA_BYTES + " bytes");
    }
    try {
      Schema s = new Schema.Parser().parse(new String(bytes, StandardCharsets.UTF_8));
      if (s.getType() != Schema.Type.RECORD) {
        throw new PipelineRunner.NotRunnableException(pipelineFile + ": schema.file '" + file + "' is a "
            + s.getType() + " schema; values need a record");
      }
      return s;
    } catch (SchemaParseException e) {
      throw new PipelineRunner.NotRunnableException(pipelineFile + ": schema.file '" + file
          + "' is not an Avro schema: " + e.getMessage());
    }
  }
}
