package dev.recsys.trainer.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.recsys.common.artifact.Checksums;
import dev.recsys.llm.Prompts;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A prepared dataset folder, the trainer's input to splitting and publishing:
 * <pre>
 *   items.tsv          item_id  title          (catalogue order)
 *   interactions.tsv   user_id  item_id  timestamp   (per user, in sequence order)
 *   dataset.json       name, source, counts, sequence order rule, SHA-256 of both files
 * </pre>
 */
public final class DatasetFiles {
  public static final String ITEMS = "items.tsv";
  public static final String INTERACTIONS = "interactions.tsv";
  public static final String INFO = "dataset.json";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DatasetFiles() {}

  public static void write(Dataset d, String source, Path dir) throws IOException {
    write(d, source, dir, Map.of());
  }

  /** @param protocol how the splits were made, recorded in dataset.json */
  public static void write(Dataset d, String source, Path dir, Map<String, String> protocol) throws IOException {
    Files.createDirectories(dir);
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(ITEMS), StandardCharsets.UTF_8)) {
      out.write("item_id\ttitle\n");
      for (Map.Entry<String, String> e : d.titles().entrySet()) {
        out.write(clean(e.getKey()) + "\t" + clean(e.getValue()) + "\n");
      }
    }
    Map<String, List<Interaction>> sequences = d.sequences();
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(INTERACTIONS), StandardCharsets.UTF_8)) {
      out.write("user_id\titem_id\ttimestamp\n");
      for (List<Interaction> seq : sequences.values()) {
        for (Interaction i : seq) {
          out.write(clean(i.user()) + "\t" + clean(i.item()) + "\t" + i.timestamp() + "\n");
        }
      }
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("name", d.name());
    info.put("source", source);
    info.put("items", d.titles().size());
    info.put("users", sequences.size());
    info.put("interactions", d.interactions().size());
    info.put("prompt", Map.of("noun", d.prompts().noun(), "plural", d.prompts().plural(), "verb", d.prompts().verb()));
    info.put("sequenceOrder", "per user by timestamp, then item id (numeric when both are integers)");
    info.putAll(protocol);
    info.put("itemsSha256", Checksums.sha256(dir.resolve(ITEMS)));
    info.put("interactionsSha256", Checksums.sha256(dir.resolve(INTERACTIONS)));
    JSON.writeValue(dir.resolve(INFO).toFile(), info);
  }

  public static Dataset read(Path dir) {
    Path items = dir.resolve(ITEMS);
    Path inter = dir.resolve(INTERACTIONS);
    Path info = dir.resolve(INFO);
    for (Path f : List.of(items, inter, info)) {
      if (!Files.isRegularFile(f)) {
        throw new DatasetException(f, "missing; prepare the dataset with 'recsys-trainer import' first");
      }
    }
    String name;
    Prompts prompts;
    try {
      var root = JSON.readTree(info.toFile());
      name = root.path("name").asText("dataset");
      var p = root.path("prompt");
      prompts = p.isObject() ? new Prompts(p.path("noun").asText(), p.path("plural").asText(), p.path("verb").asText())
          : Prompts.items();
    } catch (IOException | IllegalArgumentException e) {
      throw new DatasetException(info, "malformed: " + e.getMessage());
    }
    Map<String, String> titles = new LinkedHashMap<>();
    readTsv(items, "item_id\ttitle", 2, f -> titles.put(f[0], f[1]));
    List<Interaction> interactions = new ArrayList<>();
    readTsv(inter, "user_id\titem_id\ttimestamp", 3, f -> interactions.add(new Interaction(f[0], f[1], Long.parseLong(f[2]))));
    return new Dataset(name, titles, interactions, prompts);
  }

  /** SHA-256 over both data files: identifies the dataset in release manifests. */
  public static String contentHash(Path dir) throws IOException {
    return Checksums.sha256((Checksums.sha256(dir.resolve(ITEMS)) + Checksums.sha256(dir.resolve(INTERACTIONS)))
        .getBytes(StandardCharsets.US_ASCII));
  }

  private static void readTsv(Path file, String header, int fields, java.util.function.Consumer<String[]> sink) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String h = in.readLine();
      if (!header.equals(h)) {
        throw new DatasetException(file, 1, "expected header '" + header.replace("\t", "<TAB>") + "'");
      }
      String line;
      long n = 1;
      while ((line = in.readLine()) != null) {
        n++;
        String[] f = line.split("\t", -1);
        if (f.length != fields) {
          throw new DatasetException(file, n, "expected " + fields + " TAB-separated fields, found " + f.length);
        }
        try {
          sink.accept(f);
        } catch (NumberFormatException e) {
          throw new DatasetException(file, n, "not a number: " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read: " + e.getMessage());
    }
  }

  private static String clean(String s) {
    return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }
}
