package dev.recsys.gateway.tenancy;

import dev.recsys.gateway.GatewayConfig;
import dev.recsys.gateway.auth.Caller;
import dev.recsys.gateway.auth.CallerAuthenticator;
import dev.recsys.gateway.auth.JwtAuthenticator;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The gateway's one home of tenant policy: who the caller is ({@link CallerAuthenticator}),
 * which tenants it may use ({@link TenantGrants}) and how fast ({@link TenantQuotas}), all from
 * {@code recsys.gateway.auth.*} and {@code recsys.gateway.quotas.*}.
 */
@Singleton
@Startup
public class TenantPolicy {
  private static final Logger LOG = Logger.getLogger(TenantPolicy.class);

  private final CallerAuthenticator authenticator;
  private final TenantGrants grants;
  private final TenantQuotas quotas;

  @Inject
  public TenantPolicy(GatewayConfig config) {
    this(authenticator(config.auth()), new TenantGrants(config.auth().grants()), quotas(config.quotas()));
    if (authenticator == CallerAuthenticator.NONE) {
      LOG.warn(authenticator.describe());
    } else {
      LOG.infof("%s; %d caller(s) granted tenants", authenticator.describe(), grants.callers());
    }
  }

  public TenantPolicy(CallerAuthenticator authenticator, TenantGrants grants, TenantQuotas quotas) {
    this.authenticator = authenticator;
    this.grants = grants;
    this.quotas = quotas;
  }

  /** UNAUTHENTICATED unless the header proves who the caller is. */
  public Caller authenticate(String authorization) {
    return authenticator.authenticate(authorization);
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
      case "jwt":
        GatewayConfig.Jwt jwt = auth.jwt();
        String key = jwt.publicKeyLocation().orElseThrow(() -> new IllegalStateException(
            "recsys.gateway.auth.jwt.public-key-location (RECSYS_JWT_PUBLIC_KEY) is not set: give the token issuer's "
                + "public key (PEM or JWKS file), or set recsys.gateway.auth.mode=none (RECSYS_AUTH_MODE=none) to "
                + "serve unauthenticated callers in development"));
        String issuer = jwt.issuer().orElseThrow(() -> new IllegalStateException(
            "recsys.gateway.auth.jwt.issuer (RECSYS_JWT_ISSUER) is not set: the 'iss' the gateway's tokens carry"));
        return new JwtAuthenticator(Path.of(key), issuer, jwt.audience(), jwt.algorithms(), jwt.clockSkewSeconds());
      default:
        throw new IllegalStateException("recsys.gateway.auth.mode: '" + auth.mode() + "' is not jwt or none");
    }
  }

  static TenantQuotas quotas(GatewayConfig.Quotas q) {
    Map<String, TenantQuotas.Quota> perTenant = new HashMap<>();
    q.tenants().forEach((t, v) -> perTenant.put(t, new TenantQuotas.Quota(v.rate(), v.burst())));
    return new TenantQuotas(new TenantQuotas.Quota(q.rate(), q.burst()), perTenant);
  }
}
