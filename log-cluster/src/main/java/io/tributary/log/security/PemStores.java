package io.tributary.log.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Kafka's {@code PEM} store type: certificates and a PKCS#8 private key (encrypted with
 * {@code ssl.key.password} or not) as PEM text, turned into an in-memory {@link KeyStore}.
 */
final class PemStores {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----", Pattern.DOTALL);
  private static final char[] NO_PASSWORD = new char[0];
  /** Key algorithms tried for an unencrypted PKCS#8 key, which does not name its own. */
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "DSA");

  private PemStores() {}

  /** A key store holding the one key of {@code pem} with its certificate chain, under alias "key". */
  static KeyStore keyStore(String certificateChainPem, String keyPem, String keyPassword) throws GeneralSecurityException {
    List<Certificate> chain = certificates(certificateChainPem);
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("the PEM key store has no certificate");
    }
    KeyStore store = emptyStore();
    store.setKeyEntry("key", privateKey(keyPem, keyPassword), NO_PASSWORD, chain.toArray(Certificate[]::new));
    return store;
  }

  /** A trust store of every certificate in {@code pem}. */
  static KeyStore trustStore(String pem) throws GeneralSecurityException {
    KeyStore store = emptyStore();
    List<Certificate> certificates = certificates(pem);
    if (certificates.isEmpty()) {
      throw new GeneralSecurityException("the PEM trust store has no certificate");
    }
    for (int i = 0; i < certificates.size(); i++) {
      store.setCertificateEntry("ca-" + i, certificates.get(i));
    }
    return store;
  }

  /** The password under which {@link #keyStore} keeps the key. */
  static char[] storedKeyPassword() {
    return NO_PASSWORD;
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return store;
  }

  private static List<Certificate> certificates(String pem) throws GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<Certificate> out = new ArrayList<>();
    for (byte[] der : blocks(pem, "CERTIFICATE")) {
      out.add(factory.generateCertificate(new ByteArrayInputStream(der)));
    }
    return out;
  }

  private static PrivateKey privateKey(String pem, String password) throws GeneralSecurityException {
    List<byte[]> encrypted = blocks(pem, "ENCRYPTED PRIVATE KEY");
    PKCS8EncodedKeySpec spec;
    if (!encrypted.isEmpty()) {
      if (password == null) {
        throw new GeneralSecurityException("the PEM key is encrypted: set ssl.key.password");
      }
      EncryptedPrivateKeyInfo info;
      try {
        info = new EncryptedPrivateKeyInfo(encrypted.get(0));
      } catch (IOException e) {
        throw new GeneralSecurityException("the encrypted PEM key is not PKCS#8", e);
      }
      SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
      Cipher cipher = Cipher.getInstance(info.getAlgName());
      cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password.toCharArray())), info.getAlgParameters());
      spec = info.getKeySpec(cipher);
    } else {
      List<byte[]> plain = blocks(pem, "PRIVATE KEY");
      if (plain.isEmpty()) {
        throw new GeneralSecurityException("no PKCS#8 '-----BEGIN PRIVATE KEY-----' block in the PEM key (Kafka accepts PKCS#8 only)");
      }
      spec = new PKCS8EncodedKeySpec(plain.get(0));
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        // not this algorithm: try the next
      }
    }
    throw new GeneralSecurityException("the PEM key is none of " + KEY_ALGORITHMS);
  }

  private static List<byte[]> blocks(String pem, String type) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        out.add(Base64.getMimeDecoder().decode(m.group(2).getBytes(StandardCharsets.US_ASCII)));
      }
    }
    return out;
  }
}
