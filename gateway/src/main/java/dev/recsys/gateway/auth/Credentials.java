package dev.recsys.gateway.auth;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a call presents to prove who made it: its {@code authorization} header (null when absent)
 * and the client certificate chain of its TLS connection (empty when none was presented).
 */
public record Credentials(String authorization, List<X509Certificate> certificates) {
  public Credentials {
    certificates = List.copyOf(certificates);
  }

  public static Credentials bearer(String authorization) {
    return new Credentials(authorization, List.of());
  }

  public boolean hasToken() {
    return authorization != null && !authorization.isBlank();
  }

  public boolean hasCertificate() {
    return !certificates.isEmpty();
  }
}
