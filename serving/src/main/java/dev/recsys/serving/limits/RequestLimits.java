package dev.recsys.serving.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/**
 * The size limits of a request, read by all three services from the same keys
 * ({@code recsys.limits.*}; in Kubernetes the shared {@code recsys-config}), so the internal
 * stages never refuse what the gateway let through, and nothing is a constant of one service.
 * The gateway also applies per-tenant limits, which may only be tighter
 * ({@code recsys.limits.tenants."<tenant>".max-k=20}); the internal stages enforce the global
 * ones, for whatever reaches them directly.
 */
@ConfigMapping(prefix = "recsys.limits")
public interface RequestLimits {
  /** Most history items a request may carry. */
  @WithDefault("200")
  int maxHistory();

  /** Most items a request may ask for. */
  @WithDefault("100")
  int maxK();

  /** Most texts the generator may be asked for, and grounding may ground, in one request. */
  @WithDefault("32")
  int maxCandidates();

  /**
   * Most characters in a history item's title or id (the prompt quotes titles whole). Above any
   * catalogue's titles (219 on Amazon Office).
   */
  @WithDefault("2048")
  int maxTitleLength();

  /** Most characters in one text given to grounding. */
  @WithDefault("512")
  int maxTextLength();

  /** Largest popularity weight (γ) a request may set. */
  @WithDefault("100")
  double maxPopularityWeight();

  /** Tighter limits for some tenants (the gateway applies them). */
  Map<String, Tenant> tenants();

  interface Tenant {
    Optional<Integer> maxHistory();

    Optional<Integer> maxK();

    Optional<Integer> maxCandidates();
  }
}
