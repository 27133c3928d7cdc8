package io.tributary.spark.jobs;

import io.tributary.registry.serde.RegistryClient;
import io.tributary.spark.JobException;
import io.tributary.spark.config.JobConfig;
import io.tributary.spark.decode.AvroSparkTypes;
import io.tributary.spark.decode.KafkaDecoding;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The reader schema of a job, fetched once on the driver when it starts (the subject's configured version,
 * latest by default): its Spark type gives the job's columns, and every record is resolved to it.
 */
public final class ReaderSchema {
  private final JobConfig config;
  private final Schema schema;
  private final String name;
  private final StructType type;

  private ReaderSchema(JobConfig config, Schema schema, String name) {
    this.config = config;
    this.schema = schema;
    this.name = name;
    try {
      this.type = AvroSparkTypes.struct(schema);
    } catch (IllegalArgumentException e) {
      throw new JobException(config.where("schema.subject") + ": " + name + " cannot be made into columns: "
          + e.getMessage());
    }
  }

  public static ReaderSchema fetch(JobConfig config) {
    JobConfig.SchemaRef ref = config.schema();
    String version = ref.version().isPresent() ? Integer.toString(ref.version().getAsInt()) : "latest";
    RegistryClient client;
    try {
      client = new RegistryClient(ref.registryUrl(), java.time.Duration.ofSeconds(30), ref.client());
    } catch (IllegalArgumentException e) {
      throw new JobException(config.where("security") + ": " + e.getMessage(), e);
    }
    String path = "/subjects/" + URLEncoder.encode(ref.subject(), StandardCharsets.UTF_8).replace("+", "%20")
        + "/versions/" + version;
    try {
      var node = client.call("GET", path, null);
      String name = "subject " + ref.subject() + " version " + node.path("version").asInt()
          + " (schema id " + node.path("id").asInt() + ")";
      return new ReaderSchema(config, new Schema.Parser().parse(node.path("schema").asText()), name);
    } catch (RegistryClient.RegistryClientException e) {
      if (e.status() == 404) {
        throw new JobException(config.where("schema.subject") + ": subject '" + ref.subject() + "' "
            + (version.equals("latest") ? "" : "version " + version + " ") + "is not in the registry at "
            + ref.registryUrl() + " (has anything been produced to topic '" + config.source().topic()
            + "' with the registry serializer? set schema.subject otherwise)");
      }
      throw new JobException("schema registry at " + ref.registryUrl() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new JobException("cannot reach the schema registry at " + ref.registryUrl() + " ("
          + config.where("schema.registry.url") + "): " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  public StructType type() {
    return type;
  }

  /** The field, or a JobException naming the key of the job file that asked for it. */
  public StructField field(String field, String key) {
    for (StructField f : type.fields()) {
      if (f.name().equals(field)) {
        return f;
      }
    }
    throw new JobException(config.where(key) + ": field '" + field + "' is not in " + name + " (fields: "
        + String.join(", ", type.fieldNames()) + ")");
  }

  /** Checks every field of {@code fields} exists, naming {@code key} otherwise. */
  public void requireFields(List<String> fields, String key) {
    fields.forEach(f -> field(f, key));
  }

  /** What executors need to decode: registry, this schema, and the fields that must not be null. */
  public KafkaDecoding.Spec spec(List<String> notNull) {
    return new KafkaDecoding.Spec(config.schema().registryUrl(), schema.toString(), name, notNull,
        config.schema().client());
  }
}
