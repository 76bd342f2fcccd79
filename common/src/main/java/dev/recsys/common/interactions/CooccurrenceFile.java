package dev.recsys.common.interactions;

import dev.recsys.common.io.TsvReader;
import dev.recsys.common.io.TsvWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Item-to-item co-occurrence weights of a release: UTF-8 TSV with header
 * {@code from_item to_item weight}, weights positive and finite (written exactly: Java's shortest
 * round-tripping decimal).
 */
public final class CooccurrenceFile {
  static final String HEADER = "from_item\tto_item\tweight";

  private CooccurrenceFile() {}

  public static void write(List<Cooccurrence> pairs, Path file) throws IOException {
    TsvWriter.write(file, HEADER, pairs, c -> new String[] {c.from(), c.to(), Double.toString(c.weight())});
  }

  public static List<Cooccurrence> read(Path file) {
    List<Cooccurrence> out = new ArrayList<>();
    TsvReader.read(file, HEADER, f -> {
      double w;
      try {
        w = Double.parseDouble(f[2]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("weight '" + f[2] + "' is not a number");
      }
      if (!(w > 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("weight must be positive and finite, got " + f[2]);
      }
      out.add(new Cooccurrence(f[0], f[1], w));
    });
    return out;
  }
}
