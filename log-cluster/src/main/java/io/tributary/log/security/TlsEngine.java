package io.tributary.log.security;

import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/**
 * Which TLS implementation encrypts a listener's bytes ({@code ssl.engine}): BoringSSL through netty-tcnative
 * (OpenSSL's API), or the JDK's {@code SSLEngine}. Under TLS a Fetch cannot use sendfile, so every byte served
 * is encrypted on a network thread: the JDK's AES-GCM works on heap arrays (Netty copies its output to a direct
 * buffer again) and allocates a cipher state per 16 KiB record, BoringSSL encrypts direct buffers in place.
 * {@code auto} takes OpenSSL when its native library loads on this machine, else the JDK.
 */
public enum TlsEngine {
  OPENSSL, JDK;

  public static final String KEY = "ssl.engine";
  public static final String DEFAULT = "auto";

  /**
   * The engine for a configured value, given whether netty-tcnative loaded ({@code openSslUnavailableCause}
   * null) or why not.
   */
  public static TlsEngine choose(String configured, Throwable openSslUnavailableCause) {
    String value = configured == null ? DEFAULT : configured.trim().toLowerCase(Locale.ROOT);
    switch (value) {
      case "auto":
        return openSslUnavailableCause == null ? OPENSSL : JDK;
      case "jdk":
        return JDK;
      case "openssl":
        if (openSslUnavailableCause != null) {
          throw new ConfigException(KEY, configured, "OpenSSL (netty-tcnative-boringssl-static) does not load on this "
              + "machine: " + openSslUnavailableCause + "; use auto or jdk");
        }
        return OPENSSL;
      default:
        throw new ConfigException(KEY, configured, "must be auto, openssl or jdk");
    }
  }
}
