package dev.recsys.common.catalog;

import dev.recsys.common.artifact.ArtifactException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The catalogue file of a release: UTF-8 TSV with the header {@code item_id  title  popularity}.
 * Tabs and newlines inside titles are replaced by spaces when writing.
 */
public final class CatalogueFile {
  public static final String FILE_NAME = "catalogue.tsv";
  static final String HEADER = "item_id\ttitle\tpopularity";

  private CatalogueFile() {}

  public static void write(Catalogue catalogue, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(HEADER);
      out.write('\n');
      for (Item item : catalogue.items()) {
        out.write(clean(item.id()));
        out.write('\t');
        out.write(clean(item.title()));
        out.write('\t');
        out.write(String.format(Locale.ROOT, "%.6f", item.popularity()));
        out.write('\n');
      }
    }
  }

  public static Catalogue read(Path file) {
    List<Item> items = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (!HEADER.equals(header)) {
        throw new ArtifactException(file, "expected header '" + HEADER + "', found '" + header + "'");
      }
      String line;
      int lineNo = 1;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 3) {
          throw new ArtifactException(file, "line " + lineNo + ": expected 3 tab-separated fields, found " + f.length);
        }
        try {
          items.add(new Item(f[0], f[1], Double.parseDouble(f[2])));
        } catch (IllegalArgumentException e) {
          throw new ArtifactException(file, "line " + lineNo + ": " + e.getMessage());
        }
      }
      return new Catalogue(items);
    } catch (IOException e) {
      throw new ArtifactException(file, "cannot read: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, e.getMessage());
    }
  }

  private static String clean(String s) {
    return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }
}
