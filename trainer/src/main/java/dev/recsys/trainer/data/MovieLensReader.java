package dev.recsys.trainer.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the MovieLens 100K layout: {@code u.item} (Latin-1, '|'-separated, id and title first) and
 * {@code u.data} (TAB-separated user, item, rating, timestamp). Every rating counts as an
 * interaction, as in BIGRec.
 */
public final class MovieLensReader {
  private MovieLensReader() {}

  public static Dataset read(Path dir, String name) {
    Path itemsFile = dir.resolve("u.item");
    Path dataFile = dir.resolve("u.data");
    for (Path f : List.of(itemsFile, dataFile)) {
      if (!Files.isRegularFile(f)) {
        throw new DatasetException(f, "missing; a MovieLens-100K folder has u.item and u.data");
      }
    }
    Map<String, String> titles = new LinkedHashMap<>();
    try {
      TextLines.read(itemsFile, StandardCharsets.ISO_8859_1, (n, line) -> {
        String[] f = line.split("\\|", -1);
        if (f.length < 2 || f[0].isBlank()) {
          throw new DatasetException(itemsFile, n, "expected 'id|title|...', found '" + abbreviate(line) + "'");
        }
        if (titles.put(f[0].trim(), f[1].trim()) != null) {
          throw new DatasetException(itemsFile, n, "item id " + f[0] + " appears twice");
        }
      });
    } catch (IOException e) {
      throw new DatasetException(itemsFile, "cannot read: " + e.getMessage());
    }
    List<Interaction> interactions = new ArrayList<>();
    try {
      TextLines.read(dataFile, StandardCharsets.US_ASCII, (n, line) -> {
        String[] f = line.split("\t", -1);
        if (f.length != 4) {
          throw new DatasetException(dataFile, n, "expected 4 TAB-separated fields (user item rating timestamp), found "
              + f.length);
        }
        if (!titles.containsKey(f[1])) {
          throw new DatasetException(dataFile, n, "item id " + f[1] + " is not in u.item");
        }
        long ts;
        try {
          ts = Long.parseLong(f[3]);
        } catch (NumberFormatException e) {
          throw new DatasetException(dataFile, n, "timestamp '" + f[3] + "' is not an integer");
        }
        interactions.add(new Interaction(f[0], f[1], ts));
      });
    } catch (IOException e) {
      throw new DatasetException(dataFile, "cannot read: " + e.getMessage());
    }
    if (interactions.isEmpty()) {
      throw new DatasetException(dataFile, "no interactions");
    }
    return new Dataset(name, titles, interactions, dev.recsys.llm.Prompts.movies());
  }

  static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
