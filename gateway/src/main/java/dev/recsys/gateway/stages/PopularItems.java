package dev.recsys.gateway.stages;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.gateway.catalog.CatalogueRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Degraded grounding: when the grounding service cannot answer, the tenant's most popular items
 * (training popularity), minus the excluded ones, from the gateway's own catalogue copy.
 * Scores are 1 - popularity so that, as everywhere, lower is better.
 */
@ApplicationScoped
public class PopularItems {
  /** The pipeline named in responses that this fallback answered. */
  public static final String PIPELINE = "popularity-fallback";

  private final CatalogueRegistry catalogues;

  public PopularItems(CatalogueRegistry catalogues) {
    this.catalogues = catalogues;
  }

  /** The k most popular items not excluded; the failure is rethrown when the gateway has no catalogue for the tenant. */
  public Grounded instead(String tenant, int k, Collection<String> excluded, StageException failure) {
    Set<String> leaveOut = new HashSet<>(excluded);
    Catalogue catalogue = catalogues.current(tenant).orElseThrow(() -> failure).value();
    List<Grounded.Item> items = new ArrayList<>(k);
    for (int row : catalogue.byPopularity()) {
      Item item = catalogue.get(row);
      if (!leaveOut.contains(item.id())) {
        items.add(new Grounded.Item(item.id(), item.title(), 1.0 - item.popularity()));
        if (items.size() == k) {
          break;
        }
      }
    }
    return new Grounded(items, "", "", PIPELINE, failure.getMessage() + "; served the most popular items instead");
  }
}
