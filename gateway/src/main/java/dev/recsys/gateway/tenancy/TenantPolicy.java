package dev.recsys.gateway.tenancy;

import dev.recsys.gateway.GatewayConfig;
import dev.recsys.gateway.auth.Caller;
import dev.recsys.gateway.auth.CallerAuthenticator;
import dev.recsys.gateway.auth.ClientCertificates;
import dev.recsys.gateway.auth.Credentials;
import dev.recsys.gateway.auth.JwtAuthenticator;
import dev.recsys.gateway.auth.VerifiedCallers;
import dev.recsys.serving.limits.Limits;
import dev.recsys.serving.limits.RequestLimits;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The gateway's one home of tenant policy: who the caller is ({@link CallerAuthenticator}),
 * which tenants it may use ({@link TenantGrants}), how fast ({@link TenantQuotas}) and how large
 * its requests may be ({@link Limits}), from {@code recsys.gateway.auth.*},
 * {@code recsys.gateway.quotas.*} and {@code recsys.limits.*} (the keys the internal stages read
 * their limits from too).
 */
@Singleton
@Startup
public class TenantPolicy {
  private static final Logger LOG = Logger.getLogger(TenantPolicy.class);

  private final CallerAuthenticator authenticator;
  private final TenantGrants grants;
  private final TenantQuotas quotas;
  private final Function<String, Limits> limits;

  @Inject
  public TenantPolicy(GatewayConfig config, RequestLimits limits) {
    this(authenticator(config.auth()), new TenantGrants(config.auth().grants()), quotas(config.quotas()),
        limits(limits));
    if (authenticator == CallerAuthenticator.NONE) {
      LOG.warn(authenticator.describe());
    } else {
      LOG.infof("%s; %d caller(s) granted tenants", authenticator.describe(), grants.callers());
    }
  }

  public TenantPolicy(CallerAuthenticator authenticator, TenantGrants grants, TenantQuotas quotas,
      Function<String, Limits> limits) {
    this.authenticator = authenticator;
    this.grants = grants;
    this.quotas = quotas;
    this.limits = limits;
  }

  /** The size limits of the tenant's requests: its own where configured, else the global ones. */
  public Limits limits(String tenant) {
    return limits.apply(tenant);
  }

  static Function<String, Limits> limits(RequestLimits config) {
    Limits global = Limits.global(config);
    Map<String, Limits> perTenant = new HashMap<>();
    config.tenants().keySet().forEach(t -> perTenant.put(t, Limits.forTenant(config, t)));
    return tenant -> perTenant.getOrDefault(tenant, global);
  }

  /** UNAUTHENTICATED unless the call's credentials prove who the caller is. */
  public Caller authenticate(Credentials credentials) {
    return authenticator.authenticate(credentials);
  }

  /**
   * PERMISSION_DENIED unless the caller is granted the tenant; then, for a tenant the store has,
   * RESOURCE_EXHAUSTED when it is over its quota. (An unknown tenant is left to the handler's
   * NOT_FOUND, and gets no bucket.)
   */
  public void admit(Caller caller, String tenant, boolean tenantExists) {
    grants.check(caller, tenant);
    if (tenantExists) {
      quotas.admit(tenant);
    }
  }

  static CallerAuthenticator authenticator(GatewayConfig.Auth auth) {
    switch (auth.mode()) {
      case "none":
        return CallerAuthenticator.NONE;
      case "required":
        JwtAuthenticator tokens = auth.jwt().publicKeyLocation().map(key -> jwt(key, auth.jwt())).orElse(null);
        ClientCertificates certificates = auth.clientCa().map(ca -> new ClientCertificates(Path.of(ca))).orElse(null);
        if (tokens == null && certificates == null) {
          throw new IllegalStateException("recsys.gateway.auth: no way to authenticate callers is configured: give the "
              + "token issuer's public key (recsys.gateway.auth.jwt.public-key-location, RECSYS_JWT_PUBLIC_KEY: PEM or "
              + "JWKS file) and/or the callers' CA (recsys.gateway.auth.client-ca, RECSYS_TLS_CALLERS_CA), or set "
              + "recsys.gateway.auth.mode=none (RECSYS_AUTH_MODE=none) to serve unauthenticated callers in development");
        }
        return new VerifiedCallers(tokens, certificates);
      default:
        throw new IllegalStateException("recsys.gateway.auth.mode: '" + auth.mode() + "' is not required or none");
    }
  }

  private static JwtAuthenticator jwt(String key, GatewayConfig.Jwt jwt) {
    String issuer = jwt.issuer().orElseThrow(() -> new IllegalStateException(
        "recsys.gateway.auth.jwt.issuer (RECSYS_JWT_ISSUER) is not set: the 'iss' the gateway's tokens carry"));
    return new JwtAuthenticator(Path.of(key), issuer, jwt.audience(), jwt.algorithms(), jwt.clockSkewSeconds());
  }

  static TenantQuotas quotas(GatewayConfig.Quotas q) {
    Map<String, TenantQuotas.Quota> perTenant = new HashMap<>();
    q.tenants().forEach((t, v) -> perTenant.put(t, new TenantQuotas.Quota(v.rate(), v.burst())));
    return new TenantQuotas(new TenantQuotas.Quota(q.rate(), q.burst()), perTenant);
  }
}
