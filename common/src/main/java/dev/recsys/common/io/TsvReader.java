package dev.recsys.common.io;

import dev.recsys.common.artifact.ArtifactException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a UTF-8 TSV artifact with a fixed header and a fixed number of fields per row; every
 * problem becomes an {@link ArtifactException} naming the file and the line.
 */
public final class TsvReader {
  /** Receives the fields of one row; may throw IllegalArgumentException for a bad value. */
  @FunctionalInterface
  public interface Row {
    void accept(String[] fields);
  }

  private TsvReader() {}

  public static void read(Path file, String header, Row row) {
    int fields = header.split("\t", -1).length;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      if (!header.equals(first)) {
        throw new ArtifactException(file, "expected header '" + header + "', found '" + first + "'");
      }
      String line;
      int lineNo = 1;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != fields) {
          throw new ArtifactException(file, "line " + lineNo + ": expected " + fields
              + " tab-separated fields, found " + f.length);
        }
        try {
          row.accept(f);
        } catch (IllegalArgumentException e) {
          throw new ArtifactException(file, "line " + lineNo + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new ArtifactException(file, "cannot read: " + e.getMessage());
    }
  }
}
