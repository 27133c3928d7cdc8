package io.tributary.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code --security}: how both systems' listeners, their inter-broker traffic and Kafka's tools talk. */
enum SecurityMode {
  /** One PLAINTEXT listener per broker, no authentication (the default). */
  PLAINTEXT,
  /** SASL_SSL listeners only, TLS 1.3 and SCRAM-SHA-512, inter-broker too ({@link SaslSslSetup}). */
  SASL_SSL;

  /** The mode named by {@code value} (Kafka's protocol names, any case), or an error listing the choices. */
  static SecurityMode parse(String value) {
    if (value == null || value.isBlank()) {
      return PLAINTEXT;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--security " + value + ": not a security mode of the bench; choose one of "
          + Arrays.stream(values()).map(m -> m.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
  }
}
