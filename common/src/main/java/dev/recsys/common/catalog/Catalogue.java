package dev.recsys.common.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, ordered list of items with lookup by id. The order is the row order of the
 * embedding snapshot built from it: item {@code i} has embedding row {@code i}.
 */
public final class Catalogue {
  private final List<Item> items;
  private final Map<String, Integer> indexById;
  private volatile int[] popularityOrder;

  public Catalogue(List<Item> items) {
    this.items = List.copyOf(items);
    Map<String, Integer> index = new HashMap<>(items.size() * 2);
    for (int i = 0; i < this.items.size(); i++) {
      Integer previous = index.put(this.items.get(i).id(), i);
      if (previous != null) {
        throw new IllegalArgumentException(
            "duplicate item id '" + this.items.get(i).id() + "' at rows " + previous + " and " + i);
      }
    }
    this.indexById = Collections.unmodifiableMap(index);
  }

  public int size() {
    return items.size();
  }

  public Item get(int index) {
    return items.get(index);
  }

  public List<Item> items() {
    return items;
  }

  /** Row of the item, or -1 when the id is not in the catalogue. */
  public int indexOf(String itemId) {
    Integer i = indexById.get(itemId);
    return i == null ? -1 : i;
  }

  public Optional<Item> find(String itemId) {
    int i = indexOf(itemId);
    return i < 0 ? Optional.empty() : Optional.of(items.get(i));
  }

  public boolean contains(String itemId) {
    return indexById.containsKey(itemId);
  }

  /** Item rows sorted by popularity, most popular first (ties by row); computed once. */
  public int[] byPopularity() {
    int[] order = popularityOrder;
    if (order == null) {
      order = sortByPopularity();
      popularityOrder = order;
    }
    return order.clone();
  }

  private int[] sortByPopularity() {
    List<Integer> rows = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      rows.add(i);
    }
    rows.sort((a, b) -> {
      int c = Double.compare(items.get(b).popularity(), items.get(a).popularity());
      return c != 0 ? c : Integer.compare(a, b);
    });
    return rows.stream().mapToInt(Integer::intValue).toArray();
  }
}
