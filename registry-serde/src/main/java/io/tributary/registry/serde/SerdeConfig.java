package io.tributary.registry.serde;

import java.util.Map;

/** Serde configuration keys (Confluent's names, plus {@code avro.reader.schema}). */
public final class SerdeConfig {
  private SerdeConfig() {}

  /** Comma-separated registry URLs. Required. */
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  /** Register the record's schema when it is not yet registered (default true). */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  /** Serialize with the subject's latest schema instead of the record's (default false). */
  public static final String USE_LATEST_VERSION = "use.latest.version";
  /** Deserialize into generated SpecificRecord classes (default false). */
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
  /** A reader schema (Avro JSON) the deserializer resolves every writer schema to (not in Confluent). */
  public static final String AVRO_READER_SCHEMA = "avro.reader.schema";
  /** Where basic-auth credentials come from: USER_INFO or URL (see {@link RegistryClientSecurity}). */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = RegistryClientSecurity.CREDENTIALS_SOURCE;
  /** {@code USER:PASSWORD} with {@code basic.auth.credentials.source=USER_INFO}. */
  public static final String BASIC_AUTH_USER_INFO = RegistryClientSecurity.USER_INFO;
  /** Trust store of an https registry: also {@code .type} (PKCS12, JKS, PEM) and {@code .password}. */
  public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";

  static boolean bool(Map<String, ?> configs, String key, boolean dflt) {
    Object v = configs.get(key);
    return v == null ? dflt : Boolean.parseBoolean(v.toString().trim());
  }

  static String string(Map<String, ?> configs, String key) {
    Object v = configs.get(key);
    return v == null ? null : v.toString();
  }

  /** The client of the registries that {@link #SCHEMA_REGISTRY_URL} names; both serdes require it. */
  static RegistryClient client(Map<String, ?> configs) {
    String url = string(configs, SCHEMA_REGISTRY_URL);
    if (url == null) {
      throw new IllegalArgumentException(SCHEMA_REGISTRY_URL + " is required");
    }
    return new RegistryClient(url, java.time.Duration.ofSeconds(30), configs);
  }

  /** TopicNameStrategy: {@code <topic>-key} or {@code <topic>-value}. */
  static String subject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
