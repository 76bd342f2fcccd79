package dev.recsys.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a line-oriented data file: each non-blank line with its 1-based number, for errors that point at it. */
final class TextLines {
  /** What is done with one line; throws {@link DatasetException} naming the line when it is malformed. */
  @FunctionalInterface
  interface Handler {
    void line(long number, String line);
  }

  private TextLines() {}

  static void read(Path file, Charset charset, Handler handler) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, charset)) {
      String line;
      long n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (!line.isBlank()) {
          handler.line(n, line);
        }
      }
    }
  }
}
