package dev.recsys.gateway.tenancy;

import dev.recsys.gateway.auth.Caller;
import dev.recsys.serving.rpc.RequestException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Which tenants each caller may use (configuration: subject to tenants, {@code *} for all). */
public final class TenantGrants {
  public static final String ANY = "*";
  private final Map<String, Set<String>> grants;

  public TenantGrants(Map<String, List<String>> grants) {
    this.grants = grants.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
        e -> e.getValue().stream().map(String::trim).filter(t -> !t.isEmpty()).collect(Collectors.toUnmodifiableSet())));
  }

  /**
   * @throws RequestException PERMISSION_DENIED when the caller has no grant for the tenant; the
   *         message is the same whether or not the tenant exists
   */
  public void check(Caller caller, String tenant) {
    if (caller.anonymous()) {
      return;
    }
    Set<String> granted = grants.getOrDefault(caller.subject(), Set.of());
    if (!granted.contains(ANY) && !granted.contains(tenant)) {
      throw RequestException.denied("caller " + RequestException.quote(caller.subject()) + " is not granted tenant "
          + RequestException.quote(tenant) + ": ask the platform team for a grant (recsys.gateway.auth.grants)");
    }
  }

  /** Number of callers with a grant (for the start-up log). */
  public int callers() {
    return grants.size();
  }
}
