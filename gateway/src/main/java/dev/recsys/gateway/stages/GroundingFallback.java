package dev.recsys.gateway.stages;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.gateway.catalog.CatalogueRegistry;
import jakarta.enterprise.context.Dependent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.faulttolerance.ExecutionContext;
import org.eclipse.microprofile.faulttolerance.FallbackHandler;

/**
 * Degraded grounding: when the grounding service cannot answer, the tenant's most popular items
 * (training popularity), minus the excluded ones, from the gateway's own catalogue copy.
 * Scores are 1 - popularity so that, as everywhere, lower is better.
 */
@Dependent
public class GroundingFallback implements FallbackHandler<Grounded> {
  /** The pipeline named in responses that this fallback answered. */
  public static final String PIPELINE = "popularity-fallback";

  private final CatalogueRegistry catalogues;

  public GroundingFallback(CatalogueRegistry catalogues) {
    this.catalogues = catalogues;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Grounded handle(ExecutionContext context) {
    Object[] p = context.getParameters();
    String tenant = (String) p[0];
    int k = (Integer) p[2];
    Set<String> excluded = new HashSet<>((Collection<String>) p[3]);
    Catalogue catalogue = catalogues.current(tenant).orElseThrow(() -> (RuntimeException) context.getFailure()).value();
    List<Grounded.Item> items = new ArrayList<>(k);
    for (int row : catalogue.byPopularity()) {
      Item item = catalogue.get(row);
      if (!excluded.contains(item.id())) {
        items.add(new Grounded.Item(item.id(), item.title(), 1.0 - item.popularity()));
        if (items.size() == k) {
          break;
        }
      }
    }
    return new Grounded(items, "", "", PIPELINE, context.getFailure().getMessage()
        + "; served the most popular items instead");
  }
}
