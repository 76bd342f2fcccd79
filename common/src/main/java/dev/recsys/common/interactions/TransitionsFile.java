package dev.recsys.common.interactions;

import dev.recsys.common.io.TsvReader;
import dev.recsys.common.io.TsvWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Item-to-item transition counts of a release: UTF-8 TSV with header {@code from_item to_item count}.
 */
public final class TransitionsFile {
  static final String HEADER = "from_item\tto_item\tcount";

  private TransitionsFile() {}

  public static void write(List<Transition> transitions, Path file) throws IOException {
    TsvWriter.write(file, HEADER, transitions, t -> new String[] {t.from(), t.to(), Integer.toString(t.count())});
  }

  public static List<Transition> read(Path file) {
    List<Transition> out = new ArrayList<>();
    TsvReader.read(file, HEADER, f -> {
      int count;
      try {
        count = Integer.parseInt(f[2]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("count '" + f[2] + "' is not an integer");
      }
      if (count <= 0) {
        throw new IllegalArgumentException("count must be positive, got " + count);
      }
      out.add(new Transition(f[0], f[1], count));
    });
    return out;
  }
}
