package dev.recsys.common.catalog;

/**
 * One catalogue item.
 *
 * @param id         the catalogue's own item id (opaque string)
 * @param title      human-readable title; what the generator produces and the encoder embeds
 * @param popularity BIGRec's popularity signal W in [0, 1]: the item's count as a target in the
 *                   training split, min-max scaled over the catalogue (0 when unknown)
 */
public record Item(String id, String title, double popularity) {
  public Item {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("item id must be non-empty");
    }
    if (title == null) {
      throw new IllegalArgumentException("item " + id + ": title must not be null");
    }
    if (!(popularity >= 0.0 && popularity <= 1.0)) {
      throw new IllegalArgumentException(
          "item " + id + ": popularity must be in [0, 1], got " + popularity);
    }
  }
}
