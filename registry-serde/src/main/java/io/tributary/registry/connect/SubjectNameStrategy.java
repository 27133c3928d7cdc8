package io.tributary.registry.connect;

import java.util.Locale;
import org.apache.avro.Schema;

/**
 * Confluent's subject name strategies ({@code key.subject.name.strategy}, {@code value.subject.name.strategy}),
 * accepted by Confluent's class name ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}) or by the
 * simple name, so that a worker configuration written for Confluent's AvroConverter works unchanged.
 */
public enum SubjectNameStrategy {
  /** {@code <topic>-key} / {@code <topic>-value}: the default. */
  TOPIC_NAME("TopicNameStrategy"),
  /** The record's full name: one subject per record type across topics. */
  RECORD_NAME("RecordNameStrategy"),
  /** {@code <topic>-<record full name>}. */
  TOPIC_RECORD_NAME("TopicRecordNameStrategy");

  static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";
  private final String simpleName;

  SubjectNameStrategy(String simpleName) {
    this.simpleName = simpleName;
  }

  /** The strategy a configuration value names; IllegalArgumentException lists the accepted names. */
  public static SubjectNameStrategy parse(String key, Object value) {
    if (value == null) {
      return TOPIC_NAME;
    }
    String v = value instanceof Class<?> c ? c.getName() : value.toString().trim();
    for (SubjectNameStrategy s : values()) {
      if (v.equals(s.simpleName) || v.equals(CONFLUENT_PACKAGE + s.simpleName)
          || v.toUpperCase(Locale.ROOT).equals(s.name())) {
        return s;
      }
    }
    throw new IllegalArgumentException(key + " '" + v + "' is not supported: use " + CONFLUENT_PACKAGE
        + "TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy");
  }

  /** The subject of a record of {@code schema} in {@code topic}. */
  public String subject(String topic, boolean isKey, Schema schema) {
    return switch (this) {
      case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
      case RECORD_NAME -> recordName(schema, topic);
      case TOPIC_RECORD_NAME -> topic + "-" + recordName(schema, topic);
    };
  }

  private String recordName(Schema schema, String topic) {
    Schema s = schema;
    if (s.getType() == Schema.Type.UNION) {
      s = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElse(s);
    }
    if (s.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException(simpleName + " needs a record schema; topic '" + topic + "' has " + s);
    }
    return s.getFullName();
  }
}
