package io.tributary.log.broker;

import io.tributary.log.broker.BrokerConfig.Key;
import io.tributary.log.security.SslContexts;
import io.tributary.log.security.TlsEngine;
import java.util.List;

/**
 * The broker's security keys, with Kafka's names: listeners' protocols, TLS stores, SASL and the authorizer.
 * The {@code ssl.*} and {@code sasl.*} keys may be given per listener with Kafka's
 * {@code listener.name.<listener>.} prefix (and {@code sasl.jaas.config} per mechanism,
 * {@code listener.name.<listener>.<mechanism>.sasl.jaas.config}).
 */
public final class SecurityKeys {
  private SecurityKeys() {}

  /** Per-listener overrides of the keys below. */
  public static final String LISTENER_PREFIX = "listener.name.";

  public static final Key LISTENER_SECURITY_PROTOCOL_MAP = new Key("listener.security.protocol.map", ListenerAddresses.DEFAULT_PROTOCOL_MAP,
      "Security protocol of each listener name, as NAME:PROTOCOL (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL).");
  public static final Key INTER_BROKER_LISTENER_NAME = new Key("inter.broker.listener.name", "",
      "Listener the brokers use among themselves (replica fetches); empty = PLAINTEXT if there is one, else the first listener.");
  public static final Key SSL_KEYSTORE_TYPE = new Key(SslContexts.KEYSTORE_TYPE, "JKS", "Key store format: JKS, PKCS12 or PEM.");
  public static final Key SSL_KEYSTORE_LOCATION = new Key(SslContexts.KEYSTORE_LOCATION, "", "Key store file (for PEM: the key and its certificate chain).");
  public static final Key SSL_KEYSTORE_PASSWORD = new Key(SslContexts.KEYSTORE_PASSWORD, "", "Key store password (JKS, PKCS12).");
  public static final Key SSL_KEY_PASSWORD = new Key(SslContexts.KEY_PASSWORD, "", "Password of the private key (default: the key store password; for PEM: of an encrypted PKCS#8 key).");
  public static final Key SSL_KEYSTORE_CERTIFICATE_CHAIN = new Key(SslContexts.KEYSTORE_CERTIFICATE_CHAIN, "",
      "With ssl.keystore.type=PEM: the certificate chain as PEM text.");
  public static final Key SSL_KEYSTORE_KEY = new Key(SslContexts.KEYSTORE_KEY, "", "With ssl.keystore.type=PEM: the PKCS#8 private key as PEM text.");
  public static final Key SSL_TRUSTSTORE_TYPE = new Key(SslContexts.TRUSTSTORE_TYPE, "JKS", "Trust store format: JKS, PKCS12 or PEM.");
  public static final Key SSL_TRUSTSTORE_LOCATION = new Key(SslContexts.TRUSTSTORE_LOCATION, "", "Trust store file: CAs trusted for client certificates and by the inter-broker client.");
  public static final Key SSL_TRUSTSTORE_PASSWORD = new Key(SslContexts.TRUSTSTORE_PASSWORD, "", "Trust store password (JKS, PKCS12).");
  public static final Key SSL_TRUSTSTORE_CERTIFICATES = new Key(SslContexts.TRUSTSTORE_CERTIFICATES, "",
      "With ssl.truststore.type=PEM: the trusted certificates as PEM text.");
  public static final Key SSL_CLIENT_AUTH = new Key(SslContexts.CLIENT_AUTH, "none",
      "Mutual TLS: none, requested or required (a client certificate's DN is then the principal, User:CN=...).");
  public static final Key SSL_PROTOCOL = new Key(SslContexts.PROTOCOL, "TLSv1.3", "TLS protocol of the SSL context.");
  public static final Key SSL_ENGINE = new Key(TlsEngine.KEY, TlsEngine.DEFAULT,
      "TLS implementation of the listeners (not a Kafka key): auto = OpenSSL (BoringSSL, netty-tcnative) when it loads on this machine, else the JDK's; openssl; jdk.");
  public static final Key SSL_ENDPOINT_IDENTIFICATION_ALGORITHM = new Key("ssl.endpoint.identification.algorithm", "https",
      "The inter-broker client checks the leader's host name against its certificate (https); empty = no check.");
  public static final Key SASL_ENABLED_MECHANISMS = new Key("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
      "SASL mechanisms a SASL listener accepts (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; Kafka's GSSAPI and OAUTHBEARER are not served).");
  public static final Key SASL_MECHANISM_INTER_BROKER_PROTOCOL = new Key("sasl.mechanism.inter.broker.protocol", "PLAIN",
      "Mechanism the broker logs in with on a SASL inter-broker listener, as username/password of that mechanism's sasl.jaas.config.");
  public static final Key SASL_JAAS_CONFIG = new Key("sasl.jaas.config", "",
      "JAAS login module config: PLAIN's users as user_NAME=\"password\", and username/password for inter-broker logins.");
  public static final Key AUTHORIZER_CLASS_NAME = new Key("authorizer.class.name", "",
      "Enables ACLs (kafka.security.authorizer.AclAuthorizer or org.apache.kafka.metadata.authorizer.StandardAuthorizer: both mean the ZooKeeper-stored ACLs); empty = every request allowed.");
  public static final Key SUPER_USERS = new Key("super.users", "", "Principals allowed everything, as User:alice;User:bob.");
  public static final Key ALLOW_EVERYONE_IF_NO_ACL_FOUND = new Key("allow.everyone.if.no.acl.found", "false",
      "With an authorizer: whether a resource with no ACL at all is open to everyone.");

  public static final List<Key> KEYS = List.of(LISTENER_SECURITY_PROTOCOL_MAP, INTER_BROKER_LISTENER_NAME,
      SSL_KEYSTORE_TYPE, SSL_KEYSTORE_LOCATION, SSL_KEYSTORE_PASSWORD, SSL_KEY_PASSWORD, SSL_KEYSTORE_CERTIFICATE_CHAIN,
      SSL_KEYSTORE_KEY, SSL_TRUSTSTORE_TYPE, SSL_TRUSTSTORE_LOCATION, SSL_TRUSTSTORE_PASSWORD, SSL_TRUSTSTORE_CERTIFICATES,
      SSL_CLIENT_AUTH, SSL_PROTOCOL, SSL_ENGINE, SSL_ENDPOINT_IDENTIFICATION_ALGORITHM, SASL_ENABLED_MECHANISMS,
      SASL_MECHANISM_INTER_BROKER_PROTOCOL, SASL_JAAS_CONFIG, AUTHORIZER_CLASS_NAME, SUPER_USERS, ALLOW_EVERYONE_IF_NO_ACL_FOUND);
}
