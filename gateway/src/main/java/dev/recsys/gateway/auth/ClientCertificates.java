package dev.recsys.gateway.auth;

import dev.recsys.serving.rpc.RequestException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Callers that authenticate with a TLS client certificate: the chain the caller presented in the
 * handshake (which proved it holds the key) is validated here, by the JDK's PKIX validator,
 * against the callers' CA ({@code recsys.gateway.auth.client-ca}, PEM, one or more
 * certificates: a rotation lists the new CA beside the old), with the validity dates and, when
 * the certificate names its uses, {@code clientAuth} among them. The caller's name is
 * {@code cert:<the certificate's subject CN>}, so that a grant to a certificate can never be
 * taken by a token whose {@code sub} happens to read the same.
 *
 * <p>Validation happens here rather than in the handshake so that a refused certificate gets
 * {@code UNAUTHENTICATED} with the reason, as a bad token does, instead of a reset connection.
 * The CA file is re-read when it changes (checked at most once a second).
 */
public final class ClientCertificates {
  public static final String PREFIX = "cert:";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";
  private static final long RECHECK_NANOS = 1_000_000_000L;

  private final Path caFile;
  private volatile Set<TrustAnchor> anchors;
  private volatile FileTime loadedModified;
  private volatile long checkedAt;

  public ClientCertificates(Path caFile) {
    this.caFile = caFile;
    this.anchors = load(caFile);
    this.loadedModified = modified(caFile);
    this.checkedAt = System.nanoTime();
  }

  /**
   * @param chain the peer's certificates as the handshake gave them, leaf first
   * @throws RequestException UNAUTHENTICATED saying why the certificate is not accepted
   */
  public Caller verify(List<X509Certificate> chain) {
    if (chain.isEmpty()) {
      throw RequestException.unauthenticated("no client certificate was presented");
    }
    X509Certificate leaf = chain.getFirst();
    Set<TrustAnchor> trusted = anchors();
    try {
      PKIXParameters params = new PKIXParameters(trusted);
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
          .generateCertPath(withoutAnchors(chain, trusted)), params);
    } catch (CertPathValidatorException e) {
      throw RequestException.unauthenticated("the client certificate '" + leaf.getSubjectX500Principal().getName()
          + "' is not accepted: " + reason(e) + " (callers' certificates must be issued by the CA in "
          + "recsys.gateway.auth.client-ca)");
    } catch (GeneralSecurityException e) {
      throw RequestException.unauthenticated("the client certificate '" + leaf.getSubjectX500Principal().getName()
          + "' cannot be checked: " + e.getMessage());
    }
    try {
      List<String> usages = leaf.getExtendedKeyUsage();
      if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
        throw RequestException.unauthenticated("the client certificate '" + leaf.getSubjectX500Principal().getName()
            + "' is not for client authentication (its extended key usage lacks clientAuth)");
      }
    } catch (CertificateException e) {
      throw RequestException.unauthenticated("the client certificate's extended key usage cannot be read");
    }
    return new Caller(PREFIX + commonName(leaf));
  }

  /** A path to validate ends below the trust anchor: a CA certificate the client sent along is left out. */
  private static List<X509Certificate> withoutAnchors(List<X509Certificate> chain, Set<TrustAnchor> trusted) {
    List<X509Certificate> path = new ArrayList<>(chain);
    while (path.size() > 1 && trusted.stream().anyMatch(a -> path.getLast().equals(a.getTrustedCert()))) {
      path.removeLast();
    }
    return path;
  }

  private static String commonName(X509Certificate leaf) {
    try {
      for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN") && !rdn.getValue().toString().isBlank()) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      // fall through: no usable name
    }
    throw RequestException.unauthenticated("the client certificate '" + leaf.getSubjectX500Principal().getName()
        + "' has no subject CN: the gateway grants tenants to cert:<CN>");
  }

  private static String reason(CertPathValidatorException e) {
    if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
      return "it has expired";
    }
    if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
      return "it is not valid yet";
    }
    if (e.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
      return "a signature in its chain does not verify";
    }
    if (e.getReason() == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS
        || e.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
      return "its revocation status: " + e.getMessage();
    }
    return "it is not issued by a trusted callers' CA";
  }

  private Set<TrustAnchor> anchors() {
    long now = System.nanoTime();
    if (now - checkedAt > RECHECK_NANOS) {
      checkedAt = now;
      FileTime m = modified(caFile);
      if (m != null && !m.equals(loadedModified)) {
        try {
          anchors = load(caFile);
          loadedModified = m;
        } catch (IllegalStateException keepTheOld) {
          // a half-written or broken file: keep the CA that was read last
        }
      }
    }
    return anchors;
  }

  /** The CA certificates the file holds, as trust anchors; IllegalStateException naming the file otherwise. */
  static Set<TrustAnchor> load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("recsys.gateway.auth.client-ca: " + file + " is not a file (the PEM "
          + "certificate(s) of the CA that issues callers' client certificates)");
    }
    Set<TrustAnchor> out = new HashSet<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add(new TrustAnchor((X509Certificate) c, null));
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalStateException("recsys.gateway.auth.client-ca: " + file + " is not PEM certificates: "
          + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("recsys.gateway.auth.client-ca: " + file + " holds no certificate");
    }
    return out;
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return null;
    }
  }

  /** The CA file, for the start-up log. */
  public Path caFile() {
    return caFile;
  }

  /** Converts the handshake's peer certificates; empty when there are none or they are not X.509. */
  public static List<X509Certificate> x509(java.security.cert.Certificate[] peer) {
    List<X509Certificate> out = new ArrayList<>();
    if (peer != null) {
      for (var c : peer) {
        if (c instanceof X509Certificate x) {
          out.add(x);
        }
      }
    }
    return out;
  }
}
