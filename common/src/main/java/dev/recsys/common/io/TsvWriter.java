package dev.recsys.common.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Writes a UTF-8 TSV artifact as {@link TsvReader} reads it: the header line, then one line per
 * row, its fields joined by tabs (the caller makes sure no field holds a tab or a newline).
 */
public final class TsvWriter {
  private TsvWriter() {}

  public static <T> void write(Path file, String header, Iterable<T> rows, Function<T, String[]> fields)
      throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(header);
      out.write('\n');
      for (T row : rows) {
        out.write(String.join("\t", fields.apply(row)));
        out.write('\n');
      }
    }
  }
}
