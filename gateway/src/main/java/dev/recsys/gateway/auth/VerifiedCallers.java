package dev.recsys.gateway.auth;

import dev.recsys.serving.rpc.RequestException;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's authentication when it is on: a caller proves who it is with a bearer JWT
 * ({@link JwtAuthenticator}), a TLS client certificate ({@link ClientCertificates}), or both —
 * whichever of the two the gateway is configured for. Every credential a call presents must
 * verify (a bad certificate is not excused by a good token); with both, the token names the
 * caller. A call with none is refused saying which ones this gateway takes.
 */
public final class VerifiedCallers implements CallerAuthenticator {
  private final JwtAuthenticator tokens;
  private final ClientCertificates certificates;

  /** Either may be null (that kind of credential is refused), not both. */
  public VerifiedCallers(JwtAuthenticator tokens, ClientCertificates certificates) {
    if (tokens == null && certificates == null) {
      throw new IllegalArgumentException("no way to authenticate callers: configure a token issuer, a callers' CA, "
          + "or both");
    }
    this.tokens = tokens;
    this.certificates = certificates;
  }

  @Override
  public Caller authenticate(Credentials c) {
    Caller byCertificate = null;
    if (c.hasCertificate()) {
      if (certificates == null) {
        throw RequestException.unauthenticated("this gateway takes no client certificates (recsys.gateway.auth."
            + "client-ca is not set): call without one and " + tokens.howToCall());
      }
      byCertificate = certificates.verify(c.certificates());
    }
    if (c.hasToken()) {
      if (tokens == null) {
        throw RequestException.unauthenticated("this gateway takes no bearer tokens (no token issuer is configured): "
            + "present a client certificate issued by the callers' CA instead");
      }
      return tokens.verify(c.authorization());
    }
    if (byCertificate != null) {
      return byCertificate;
    }
    List<String> ways = new ArrayList<>();
    if (tokens != null) {
      ways.add(tokens.howToCall());
    }
    if (certificates != null) {
      ways.add("present a client certificate issued by the callers' CA (granted as cert:<its CN>)");
    }
    throw RequestException.unauthenticated("no credentials: " + String.join(", or ", ways));
  }

  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (tokens != null) {
      parts.add(tokens.describe());
    }
    if (certificates != null) {
      parts.add("callers authenticate with a client certificate of the CA in " + certificates.caFile());
    }
    return String.join("; ", parts);
  }
}
