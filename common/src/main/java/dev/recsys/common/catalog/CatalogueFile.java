package dev.recsys.common.catalog;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.io.TsvReader;
import dev.recsys.common.io.TsvWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The catalogue file of a release: UTF-8 TSV with the header {@code item_id  title  popularity}.
 * Tabs and newlines inside titles are replaced by spaces when writing.
 */
public final class CatalogueFile {
  static final String HEADER = "item_id\ttitle\tpopularity";

  private CatalogueFile() {}

  public static void write(Catalogue catalogue, Path file) throws IOException {
    TsvWriter.write(file, HEADER, catalogue.items(), item -> new String[] {clean(item.id()), clean(item.title()),
        String.format(Locale.ROOT, "%.6f", item.popularity())});
  }

  public static Catalogue read(Path file) {
    List<Item> items = new ArrayList<>();
    TsvReader.read(file, HEADER, f -> items.add(new Item(f[0], f[1], Double.parseDouble(f[2]))));
    try {
      return new Catalogue(items);
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, e.getMessage());
    }
  }

  private static String clean(String s) {
    return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }
}
