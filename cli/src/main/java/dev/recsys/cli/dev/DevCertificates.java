package dev.recsys.cli.dev;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throw-away certificate authorities and the certificates a local stack needs (BouncyCastle),
 * laid out as the services' TLS settings expect:
 * <ul>
 *   <li>{@code ca.crt}: the CA of the servers' certificates ({@code gateway}, {@code generator},
 *       {@code grounding}: {@code <name>.crt} / {@code <name>.key}, valid on 127.0.0.1, localhost
 *       and the name) — what callers and the gateway trust;</li>
 *   <li>{@code clients-ca.crt}: the CA of the one client the internal stages accept, the
 *       gateway ({@code gateway-client.crt} / {@code .key}); a certificate of {@code ca.crt} is
 *       not one of its (e.g. {@code stranger.crt}, which tests use to show the refusal);</li>
 *   <li>{@code callers-ca.crt}: the CA of callers that authenticate to the gateway with a client
 *       certificate instead of a token ({@code caller.crt} / {@code .key}: granted as
 *       {@code cert:caller});</li>
 *   <li>{@code triton-clients-ca.crt}: the CA of the one client Triton accepts in mutual TLS, the
 *       generator ({@code generator-client.crt} / {@code .key}); Triton's server certificate is
 *       {@code triton.crt} of {@code ca.crt}.</li>
 * </ul>
 * Keys are ECDSA P-256, PKCS#8 PEM, readable by their owner only. For development and tests;
 * production certificates come from the platform's CA (e.g. cert-manager).
 */
public final class DevCertificates {
  public static final String CA = "ca";
  public static final String CLIENTS_CA = "clients-ca";
  public static final String GATEWAY_CLIENT = "gateway-client";
  public static final String STRANGER = "stranger";
  public static final String CALLERS_CA = "callers-ca";
  public static final String CALLER = "caller";
  public static final String TRITON = "triton";
  public static final String TRITON_CLIENTS_CA = "triton-clients-ca";
  public static final String GENERATOR_CLIENT = "generator-client";
  static final List<String> SERVERS = List.of("gateway", "generator", "grounding", TRITON);
  private final Path dir;

  private DevCertificates(Path dir) {
    this.dir = dir;
  }

  /** The layout above in {@code dir}; files that exist are kept. */
  public static synchronized DevCertificates in(Path dir) {
    try {
      Files.createDirectories(dir);
      DevCertificates certs = new DevCertificates(dir);
      certs.authority(CA, "recsys development CA");
      certs.authority(CLIENTS_CA, "recsys development internal-clients CA");
      for (String n : SERVERS) {
        certs.issue(n, CA);
      }
      certs.issue(GATEWAY_CLIENT, CLIENTS_CA);
      certs.issue(STRANGER, CA);
      certs.authority(CALLERS_CA, "recsys development callers CA");
      certs.issue(CALLER, CALLERS_CA);
      certs.authority(TRITON_CLIENTS_CA, "recsys development Triton clients CA");
      certs.issue(GENERATOR_CLIENT, TRITON_CLIENTS_CA);
      return certs;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make development certificates in " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  public Path ca() {
    return cert(CA);
  }

  public Path clientsCa() {
    return cert(CLIENTS_CA);
  }

  public Path callersCa() {
    return cert(CALLERS_CA);
  }

  public Path cert(String name) {
    return dir.resolve(name + ".crt");
  }

  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  private void authority(String name, String cn) throws Exception {
    if (!Files.exists(cert(name))) {
      KeyPair ca = keyPair();
      write(dir, name, sign(new X500Name("CN=" + cn), ca, null, ca, true, List.of()), ca);
    }
  }

  private void issue(String name, String caName) throws Exception {
    if (Files.exists(cert(name))) {
      return;
    }
    var ca = PemFiles.readKeyPair(key(caName), cert(caName));
    KeyPair leaf = keyPair();
    X509Certificate c = sign(new X500Name("CN=" + name), leaf, ca.certificate(), ca.keyPair(), false,
        List.of("127.0.0.1", "localhost", name));
    write(dir, name, c, leaf);
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X509Certificate issuer,
      KeyPair issuerKeys, boolean isCa, List<String> sans) throws Exception {
    Instant now = Instant.now();
    X500Name issuerName = issuer == null ? subject : new X500Name(issuer.getSubjectX500Principal().getName());
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(64, new SecureRandom()),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(isCa ? 3650 : 825))), subject,
        subjectKeys.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
    if (isCa) {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      List<GeneralName> names = new ArrayList<>();
      for (String s : sans) {
        names.add(s.matches("[0-9.]+") ? new GeneralName(GeneralName.iPAddress, s) : new GeneralName(GeneralName.dNSName, s));
      }
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
    }
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }

  private static void write(Path dir, String name, X509Certificate cert, KeyPair keys) throws IOException {
    Files.writeString(dir.resolve(name + ".crt"), pem(cert));
    Pem.writePrivate(dir.resolve(name + ".key"),
        pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null)));
  }

  private static String pem(Object o) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o);
    }
    return w.toString();
  }
}
