package dev.recsys.cli.dev;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;

/** Reads back what {@link DevCertificates} writes. */
final class PemFiles {
  record Issuer(X509Certificate certificate, KeyPair keyPair) {}

  private PemFiles() {}

  static Issuer readKeyPair(Path key, Path cert) throws Exception {
    X509Certificate c;
    try (var in = Files.newInputStream(cert)) {
      c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    byte[] der = Pem.decode(key, "PRIVATE KEY");
    PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    return new Issuer(c, new KeyPair(c.getPublicKey(), k));
  }
}
