package dev.recsys.gateway.tenancy;

import dev.recsys.serving.rpc.RequestException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A token bucket per tenant (Bucket4j): {@code rate} requests per second sustained, {@code burst}
 * at once. A call over the quota is RESOURCE_EXHAUSTED with the time until the next token, as the
 * message and as gRPC's retry pushback trailer. Buckets exist only for tenants the caller names
 * and the store has, so their number is bounded by the catalogue's tenants.
 */
public final class TenantQuotas {
  /** One tenant's quota. */
  public record Quota(int rate, int burst) {
    public Quota {
      if (rate < 1 || burst < 1) {
        throw new IllegalArgumentException("a quota needs rate >= 1 and burst >= 1 (requests), got rate " + rate
            + ", burst " + burst);
      }
    }
  }

  private final Quota defaults;
  private final Map<String, Quota> perTenant;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public TenantQuotas(Quota defaults, Map<String, Quota> perTenant) {
    this.defaults = defaults;
    this.perTenant = Map.copyOf(perTenant);
  }

  public Quota quotaOf(String tenant) {
    return perTenant.getOrDefault(tenant, defaults);
  }

  /** Takes one request from the tenant's bucket, or refuses the call. */
  public void admit(String tenant) {
    ConsumptionProbe probe = buckets.computeIfAbsent(tenant, this::bucket).tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(probe.getNanosToWaitForRefill()));
      Quota q = quotaOf(tenant);
      throw RequestException.exhausted("tenant " + RequestException.quote(tenant) + " is over its quota of " + q.rate()
          + " requests/s (burst " + q.burst() + "): retry in " + waitMs + " ms, or ask for a larger quota", waitMs);
    }
  }

  private Bucket bucket(String tenant) {
    Quota q = quotaOf(tenant);
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(q.burst()).refillGreedy(q.rate(), Duration.ofSeconds(1)))
        .build();
  }
}
