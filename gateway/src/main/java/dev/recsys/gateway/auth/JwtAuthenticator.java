package dev.recsys.gateway.auth;

import dev.recsys.serving.rpc.RequestException;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Bearer JWTs verified by SmallRye JWT: the signature against the issuer's public key (PEM or
 * JWKS, read from a file: no network), the issuer, the audience, the expiry (with a small clock
 * skew) and a subject. Everything that fails is UNAUTHENTICATED with the reason, never the token.
 * The caller's name is the token's subject.
 */
public final class JwtAuthenticator {
  private static final String BEARER = "Bearer ";
  /** Tokens longer than this are refused unparsed (a header of megabytes is not a JWT). */
  static final int MAX_TOKEN = 8192;

  private final DefaultJWTParser parser;
  private final String keyLocation;
  private final String issuer;
  private final String audience;

  public JwtAuthenticator(Path publicKey, String issuer, String audience, List<String> algorithms, int clockSkewSeconds) {
    if (!Files.isRegularFile(publicKey)) {
      throw new IllegalArgumentException("recsys.gateway.auth.jwt.public-key-location: " + publicKey
          + " is not a file (a PEM public key or a JWKS of the token issuer)");
    }
    this.keyLocation = publicKey.toAbsolutePath().toString();
    this.issuer = issuer;
    this.audience = audience;
    JWTAuthContextInfo ctx = new JWTAuthContextInfo();
    ctx.setPublicKeyLocation("file:" + keyLocation);
    ctx.setIssuedBy(issuer);
    ctx.setExpectedAudience(Set.of(audience));
    Set<SignatureAlgorithm> algs = new LinkedHashSet<>();
    for (String a : algorithms) {
      try {
        algs.add(SignatureAlgorithm.fromAlgorithm(a.trim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("recsys.gateway.auth.jwt.algorithms: '" + a + "' is not a JWS algorithm");
      }
    }
    ctx.setSignatureAlgorithm(algs);
    ctx.setExpGracePeriodSecs(clockSkewSeconds);
    ctx.setRequireNamedPrincipal(true);
    this.parser = new DefaultJWTParser(ctx);
  }

  /** How a caller gets a token this authenticator accepts (for messages). */
  public String howToCall() {
    return "send the header 'authorization: Bearer <JWT>' with a token from your issuer (iss " + issuer + ", aud "
        + audience + ")";
  }

  /**
   * @param authorization the header's value
   * @throws RequestException UNAUTHENTICATED, saying what is wrong with it
   */
  public Caller verify(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw RequestException.unauthenticated("no bearer token: " + howToCall());
    }
    if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw RequestException.unauthenticated("the authorization header is not 'Bearer <JWT>'");
    }
    String token = authorization.substring(BEARER.length()).trim();
    if (token.length() > MAX_TOKEN) {
      throw RequestException.unauthenticated("the bearer token has " + token.length() + " characters; a JWT of this "
          + "gateway has at most " + MAX_TOKEN);
    }
    JsonWebToken jwt;
    try {
      jwt = parser.parse(token);
    } catch (ParseException e) {
      throw RequestException.unauthenticated("the bearer token was refused: " + reason(e));
    } catch (RuntimeException e) {
      // whatever else a hostile token makes the parser throw is still a refused token, not INTERNAL
      throw RequestException.unauthenticated("the bearer token was refused: it cannot be parsed as a JWT ("
          + reason(e) + ")");
    }
    String subject = jwt.getSubject();
    if (subject == null || subject.isBlank()) {
      throw RequestException.unauthenticated("the bearer token has no subject (sub): the gateway grants tenants to "
          + "subjects");
    }
    return new Caller(subject);
  }

  /** The innermost cause's message: jose4j says what failed (expiry, signature, issuer, audience). */
  private static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.length() > 300 ? m.substring(0, 300) + "…" : m;
  }

  public String describe() {
    return "callers authenticate with a bearer JWT (iss " + issuer + ", aud " + audience + ", key " + keyLocation + ")";
  }
}
