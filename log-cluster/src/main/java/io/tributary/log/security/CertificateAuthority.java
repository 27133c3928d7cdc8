package io.tributary.log.security;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.util.IPAddress;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority and the certificates it signs, made with BouncyCastle: written as PEM (certificate
 * chain and PKCS#8 key, as Kafka's PEM store type reads them) and as PKCS12 / JKS stores. Used by tests and by
 * {@code local start --secure}, which generates a CA and a certificate per node.
 */
public final class CertificateAuthority {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final Duration validity;

  private CertificateAuthority(KeyPair caKeys, X509Certificate ca, Duration validity) {
    this.caKeys = caKeys;
    this.ca = ca;
    this.validity = validity;
  }

  /** A new self-signed CA named {@code CN=name}; it and what it issues are valid for {@code validity}. */
  public static CertificateAuthority newCa(String name, Duration validity) throws GeneralSecurityException {
    KeyPair keys = rsa();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder builder = builder(subject, subject, keys, validity);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return new CertificateAuthority(keys, sign(builder, keys), validity);
  }

  /** A certificate signed by this CA. */
  public record Issued(KeyPair keys, X509Certificate certificate, X509Certificate ca) {}

  /** A certificate for {@code dn}, valid for 127.0.0.1 and localhost. */
  public Issued issue(String dn) throws GeneralSecurityException {
    return issue(dn, List.of("127.0.0.1", "localhost"));
  }

  /** A certificate for {@code dn} whose subject alternative names are {@code hosts} (IP addresses or DNS names). */
  public Issued issue(String dn, List<String> hosts) throws GeneralSecurityException {
    KeyPair keys = rsa();
    X509v3CertificateBuilder builder = builder(new X500Name(ca.getSubjectX500Principal().getName()), new X500Name(dn), keys, validity);
    GeneralName[] names = hosts.stream()
        .map(host -> new GeneralName(IPAddress.isValid(host) ? GeneralName.iPAddress : GeneralName.dNSName, host))
        .toArray(GeneralName[]::new);
    try {
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return new Issued(keys, sign(builder, caKeys), ca);
  }

  public String caPem() throws IOException {
    return pem(ca);
  }

  /** The certificate chain (leaf, then CA) as PEM text. */
  public static String chainPem(Issued issued) throws IOException {
    return pem(issued.certificate()) + pem(issued.ca());
  }

  /** The private key as unencrypted PKCS#8 PEM text. */
  public static String keyPem(Issued issued) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(issued.keys().getPrivate(), null));
    }
    return out.toString();
  }

  /** A key store of {@code type} (PKCS12 or JKS) holding the key and its chain; {@code password} guards both. */
  public static Path keyStore(Issued issued, String type, Path file, String password) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(type);
    store.load(null, null);
    store.setKeyEntry("key", issued.keys().getPrivate(), password.toCharArray(), new Certificate[] {issued.certificate(), issued.ca()});
    return save(store, file, password);
  }

  /** A trust store of {@code type} holding this CA. */
  public Path trustStore(String type, Path file, String password) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(type);
    store.load(null, null);
    store.setCertificateEntry("ca", ca);
    return save(store, file, password);
  }

  private static Path save(KeyStore store, Path file, String password) throws GeneralSecurityException, IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
    Instant now = Instant.now();
    // Back-dated an hour so that a clock a little behind still accepts a certificate made just now.
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
