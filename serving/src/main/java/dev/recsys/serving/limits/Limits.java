package dev.recsys.serving.limits;

/**
 * The limits that apply to one request, resolved from {@link RequestLimits}: the global ones, or
 * a tenant's where it has tighter ones (a tenant limit above the global one is capped by it).
 */
public record Limits(int maxHistory, int maxK, int maxCandidates, int maxTitleLength, int maxTextLength,
    double maxPopularityWeight) {

  public Limits {
    if (maxHistory < 1 || maxK < 1 || maxCandidates < 1 || maxTitleLength < 1 || maxTextLength < 1
        || !(maxPopularityWeight >= 0)) {
      throw new IllegalArgumentException("recsys.limits: every limit must be positive, got " + this);
    }
  }

  /** The global limits: what the internal stages enforce. */
  public static Limits global(RequestLimits config) {
    return new Limits(config.maxHistory(), config.maxK(), config.maxCandidates(), config.maxTitleLength(),
        config.maxTextLength(), config.maxPopularityWeight());
  }

  /** The limits of {@code tenant}: its own where configured, each capped by the global one. */
  public static Limits forTenant(RequestLimits config, String tenant) {
    Limits g = global(config);
    RequestLimits.Tenant t = config.tenants().get(tenant);
    if (t == null) {
      return g;
    }
    return new Limits(Math.min(g.maxHistory, t.maxHistory().orElse(g.maxHistory)),
        Math.min(g.maxK, t.maxK().orElse(g.maxK)), Math.min(g.maxCandidates, t.maxCandidates().orElse(g.maxCandidates)),
        g.maxTitleLength, g.maxTextLength, g.maxPopularityWeight);
  }
}
