package io.tributary.spark.decode;

import java.io.IOException;
import java.util.Optional;
import org.apache.avro.Schema;

/** Writer schemas by id. */
public interface SchemaSource {
  /**
   * The schema with this id, empty when the registry answers that it has none; IOException when the
   * registry cannot be asked (the task fails and Spark retries it: an outage is not the record's fault).
   */
  Optional<Schema> byId(int id) throws IOException;

  /** Where the schemas come from, for messages. */
  String describe();
}
