package io.tributary.registry.connect;

import io.tributary.registry.serde.RegistryClientSecurity;
import io.tributary.registry.serde.SerdeConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The converter's keys, Confluent's AvroConverter names (given under {@code key.converter.} or
 * {@code value.converter.} in a worker or connector configuration; Connect strips the prefix).
 */
record AvroConverterConfig(String registryUrls, boolean autoRegister, boolean useLatestVersion,
    SubjectNameStrategy keyStrategy, SubjectNameStrategy valueStrategy, RegistryClientSecurity security) {
  static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
  static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

  static final ConfigDef DEF = new ConfigDef()
      .define(SerdeConfig.SCHEMA_REGISTRY_URL, ConfigDef.Type.LIST, ConfigDef.Importance.HIGH,
          "Comma-separated URLs of the schema registry.")
      .define(SerdeConfig.AUTO_REGISTER_SCHEMAS, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.MEDIUM,
          "Register a record's schema under its subject when it is not registered yet.")
      .define(SerdeConfig.USE_LATEST_VERSION, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.LOW,
          "Write with the subject's latest schema instead of the record's (the record must fit it).")
      .define(KEY_SUBJECT_NAME_STRATEGY, ConfigDef.Type.STRING, "TopicNameStrategy", ConfigDef.Importance.MEDIUM,
          "Subject of keys: TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy (Confluent's class names"
              + " are accepted).")
      .define(VALUE_SUBJECT_NAME_STRATEGY, ConfigDef.Type.STRING, "TopicNameStrategy", ConfigDef.Importance.MEDIUM,
          "Subject of values, as " + KEY_SUBJECT_NAME_STRATEGY + ".")
      .define(RegistryClientSecurity.CREDENTIALS_SOURCE, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
          "USER_INFO (basic.auth.user.info) or URL (user:password@ in schema.registry.url).")
      .define(RegistryClientSecurity.USER_INFO, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM,
          "user:password for HTTP basic authentication to the registry.");

  /** Reads and checks {@code configs}; IllegalArgumentException names the key at fault. */
  static AvroConverterConfig of(Map<String, ?> configs) {
    Object url = configs.get(SerdeConfig.SCHEMA_REGISTRY_URL);
    if (url == null || url.toString().isBlank()) {
      throw new IllegalArgumentException(SerdeConfig.SCHEMA_REGISTRY_URL
          + " is required by io.tributary.registry.connect.AvroConverter (set key.converter."
          + SerdeConfig.SCHEMA_REGISTRY_URL + " / value.converter." + SerdeConfig.SCHEMA_REGISTRY_URL + ")");
    }
    String urls = url instanceof Iterable<?> list ? String.join(",", (Iterable<String>) () ->
        java.util.stream.StreamSupport.stream(list.spliterator(), false).map(Object::toString).iterator())
        : url.toString();
    return new AvroConverterConfig(urls,
        bool(configs, SerdeConfig.AUTO_REGISTER_SCHEMAS, true),
        bool(configs, SerdeConfig.USE_LATEST_VERSION, false),
        SubjectNameStrategy.parse(KEY_SUBJECT_NAME_STRATEGY, configs.get(KEY_SUBJECT_NAME_STRATEGY)),
        SubjectNameStrategy.parse(VALUE_SUBJECT_NAME_STRATEGY, configs.get(VALUE_SUBJECT_NAME_STRATEGY)),
        RegistryClientSecurity.fromConfigs(textValues(configs, urls)));
  }

  private static boolean bool(Map<String, ?> configs, String key, boolean dflt) {
    Object v = configs.get(key);
    if (v == null) {
      return dflt;
    }
    String s = v.toString().trim();
    if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(key + " '" + s + "' is not a boolean (true or false)");
    }
    return Boolean.parseBoolean(s);
  }

  /**
   * The keys as text: Connect may hand a Password object for basic.auth.user.info and a list for the URLs, and the
   * registry client's security reads strings.
   */
  private static Map<String, ?> textValues(Map<String, ?> configs, String urls) {
    Map<String, Object> copy = new java.util.HashMap<>(configs);
    copy.replaceAll((key, value) -> value instanceof org.apache.kafka.common.config.types.Password p ? p.value() : value);
    copy.put(SerdeConfig.SCHEMA_REGISTRY_URL, urls);
    return copy;
  }
}
