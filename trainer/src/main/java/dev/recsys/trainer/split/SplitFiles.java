package dev.recsys.trainer.split;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.trainer.data.DatasetException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits on disk: {@code splits/<protocol>/{train,valid,test}.jsonl}, one sample per line:
 * {@code {"user":"1","history":["5","9"],"target":"12","timestamp":874965758}}.
 */
public final class SplitFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SplitFiles() {}

  public static Path dir(Path datasetDir, String protocol) {
    return datasetDir.resolve("splits").resolve(protocol);
  }

  public static void write(Splits s, Path datasetDir) throws IOException {
    Path dir = dir(datasetDir, s.protocol());
    Files.createDirectories(dir);
    write(s.train(), dir.resolve("train.jsonl"));
    write(s.valid(), dir.resolve("valid.jsonl"));
    write(s.test(), dir.resolve("test.jsonl"));
  }

  public static List<Sample> read(Path datasetDir, String protocol, String part) {
    Path f = dir(datasetDir, protocol).resolve(part + ".jsonl");
    if (!Files.isRegularFile(f)) {
      throw new DatasetException(f, "missing; run 'recsys-trainer import' to build the splits");
    }
    List<Sample> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      String line;
      long n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        try {
          out.add(JSON.readValue(line, Sample.class));
        } catch (IOException e) {
          throw new DatasetException(f, n, "not a sample: " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new DatasetException(f, "cannot read: " + e.getMessage());
    }
    return out;
  }

  private static void write(List<Sample> samples, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Sample s : samples) {
        out.write(JSON.writeValueAsString(s));
        out.write('\n');
      }
    }
  }
}
