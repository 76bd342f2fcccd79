package dev.recsys.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.serving.rpc.RequestException;
import io.grpc.Status;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real certificates (BouncyCastle), validated by the JDK's PKIX as the gateway does per call. */
class ClientCertificatesTest {
  @TempDir static Path dir;
  static KeyPair callersCaKey;
  static X509Certificate callersCa;
  static KeyPair otherCaKey;
  static X509Certificate otherCa;
  static Path caFile;

  static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  static X509Certificate cert(String subject, KeyPair keys, X509Certificate issuer, KeyPair issuerKeys, boolean ca,
      Instant from, Instant to, KeyPurposeId... usages) throws Exception {
    X500Name issuerName = new X500Name(issuer == null ? subject : issuer.getSubjectX500Principal().getName());
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(System.nanoTime()),
        Date.from(from), Date.from(to), new X500Name(subject), keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (ca) {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
    } else if (usages.length > 0) {
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usages));
    }
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
        .build((issuerKeys == null ? keys : issuerKeys).getPrivate())));
  }

  static X509Certificate leaf(String subject, X509Certificate issuer, KeyPair issuerKeys, KeyPurposeId... usages)
      throws Exception {
    return cert(subject, ec(), issuer, issuerKeys, false, Instant.now().minusSeconds(60),
        Instant.now().plus(Duration.ofDays(1)), usages);
  }

  static String pem(X509Certificate... certs) throws Exception {
    StringBuilder s = new StringBuilder();
    for (X509Certificate c : certs) {
      s.append("-----BEGIN CERTIFICATE-----\n").append(Base64.getMimeEncoder().encodeToString(c.getEncoded()))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return s.toString();
  }

  @BeforeAll
  static void authorities() throws Exception {
    Instant now = Instant.now();
    callersCaKey = ec();
    callersCa = cert("CN=callers CA", callersCaKey, null, null, true, now.minusSeconds(60), now.plus(Duration.ofDays(9)));
    otherCaKey = ec();
    otherCa = cert("CN=another CA", otherCaKey, null, null, true, now.minusSeconds(60), now.plus(Duration.ofDays(9)));
    caFile = dir.resolve("callers-ca.crt");
    Files.writeString(caFile, pem(callersCa));
  }

  static void unauthenticated(ThrowingCallable call, String text) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RequestException.class, e -> {
      assertThat(e.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(e.getMessage()).contains(text);
    });
  }

  @Test
  void aCertificateOfTheCallersCa_namesItsCn_withOrWithoutTheCaInTheChain() throws Exception {
    ClientCertificates certs = new ClientCertificates(caFile);
    X509Certificate orders = leaf("CN=orders,O=shop", callersCa, callersCaKey, KeyPurposeId.id_kp_clientAuth);
    assertThat(certs.verify(List.of(orders))).isEqualTo(new Caller("cert:orders"));
    assertThat(certs.verify(List.of(orders, callersCa))).isEqualTo(new Caller("cert:orders"));
    assertThat(certs.verify(List.of(leaf("CN=no-usages", callersCa, callersCaKey))))
        .as("a certificate that names no uses may authenticate").isEqualTo(new Caller("cert:no-usages"));
  }

  @Test
  void foreignExpiredMisusedAndNamelessCertificates_areUnauthenticated_sayingWhy() throws Exception {
    ClientCertificates certs = new ClientCertificates(caFile);
    unauthenticated(() -> certs.verify(List.of(leaf("CN=orders", otherCa, otherCaKey, KeyPurposeId.id_kp_clientAuth))),
        "'CN=orders' is not accepted: it is not issued by a trusted callers' CA");
    unauthenticated(() -> certs.verify(List.of(leaf("CN=self", null, null, KeyPurposeId.id_kp_clientAuth))),
        "is not issued by a trusted callers' CA");
    X509Certificate expired = cert("CN=old", ec(), callersCa, callersCaKey, false, Instant.now().minusSeconds(7200),
        Instant.now().minusSeconds(3600), KeyPurposeId.id_kp_clientAuth);
    unauthenticated(() -> certs.verify(List.of(expired)), "'CN=old' is not accepted: it has expired");
    unauthenticated(() -> certs.verify(List.of(leaf("CN=web", callersCa, callersCaKey, KeyPurposeId.id_kp_serverAuth))),
        "is not for client authentication");
    unauthenticated(() -> certs.verify(List.of(leaf("O=nameless", callersCa, callersCaKey))), "has no subject CN");
    unauthenticated(() -> certs.verify(List.of()), "no client certificate");
  }

  @Test
  void aRotatedCaFile_isReadAgain_andABrokenOneKeepsTheLastGoodCa() throws Exception {
    Path file = dir.resolve("rotating-ca.crt");
    Files.writeString(file, pem(callersCa));
    ClientCertificates certs = new ClientCertificates(file);
    X509Certificate fromOther = leaf("CN=billing", otherCa, otherCaKey, KeyPurposeId.id_kp_clientAuth);
    unauthenticated(() -> certs.verify(List.of(fromOther)), "not issued by a trusted callers' CA");

    Files.writeString(file, pem(callersCa, otherCa)); // the rotation: the new CA beside the old
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    Thread.sleep(1100); // the file is looked at again at most once a second
    assertThat(certs.verify(List.of(fromOther))).isEqualTo(new Caller("cert:billing"));

    Files.writeString(file, "-----BEGIN CERTIFICATE-----\nbroken");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
    Thread.sleep(1100);
    assertThat(certs.verify(List.of(fromOther))).as("the last good CA file still counts").isEqualTo(
        new Caller("cert:billing"));
  }

  @Test
  void aMissingOrEmptyCaFile_stopsTheStart_namingIt() throws Exception {
    assertThatThrownBy(() -> new ClientCertificates(dir.resolve("nope.crt"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recsys.gateway.auth.client-ca").hasMessageContaining("nope.crt is not a file");
    Path empty = Files.writeString(dir.resolve("empty.crt"), "");
    assertThatThrownBy(() -> new ClientCertificates(empty)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("holds no certificate");
  }

  @Test
  void everyPresentedCredentialMustVerify_andACallWithNoneHearsWhichWaysWork() throws Exception {
    ClientCertificates certs = new ClientCertificates(caFile);
    VerifiedCallers certsOnly = new VerifiedCallers(null, certs);
    X509Certificate orders = leaf("CN=orders", callersCa, callersCaKey, KeyPurposeId.id_kp_clientAuth);
    X509Certificate foreign = leaf("CN=orders", otherCa, otherCaKey, KeyPurposeId.id_kp_clientAuth);
    assertThat(certsOnly.authenticate(new Credentials(null, List.of(orders)))).isEqualTo(new Caller("cert:orders"));
    unauthenticated(() -> certsOnly.authenticate(new Credentials(null, List.of())),
        "no credentials: present a client certificate issued by the callers' CA");
    unauthenticated(() -> certsOnly.authenticate(new Credentials("Bearer x.y.z", List.of(orders))),
        "this gateway takes no bearer tokens");
    unauthenticated(() -> certsOnly.authenticate(new Credentials(null, List.of(foreign))),
        "not issued by a trusted callers' CA");
    assertThatThrownBy(() -> new VerifiedCallers(null, null)).isInstanceOf(IllegalArgumentException.class);
  }
}
