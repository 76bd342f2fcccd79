package dev.recsys.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the generic format: an items file with columns {@code item,title} and an interactions
 * file with columns {@code user,item,timestamp}, each as CSV with a header row ({@code .csv}) or
 * JSON Lines ({@code .jsonl}, one object per line). Timestamps are epoch seconds or ISO-8601
 * instants. Other columns are ignored; a missing column is an error naming the file.
 */
public final class GenericReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GenericReader() {}

  public static Dataset read(Path itemsFile, Path interactionsFile, String name) {
    Map<String, String> titles = new LinkedHashMap<>();
    readRows(itemsFile, List.of("item", "title"), (row) -> {
      if (titles.put(row.get("item"), row.get("title")) != null) {
        throw new DatasetException(itemsFile, row.line(), "item id " + row.get("item") + " appears twice");
      }
    });
    List<Interaction> interactions = new ArrayList<>();
    readRows(interactionsFile, List.of("user", "item", "timestamp"), (row) -> {
      if (!titles.containsKey(row.get("item"))) {
        throw new DatasetException(interactionsFile, row.line(), "item id " + row.get("item") + " is not in " + itemsFile.getFileName());
      }
      interactions.add(new Interaction(row.get("user"), row.get("item"), parseTime(interactionsFile, row)));
    });
    if (interactions.isEmpty()) {
      throw new DatasetException(interactionsFile, "no interactions");
    }
    return new Dataset(name, titles, interactions);
  }

  /** A row with its 1-based line number. */
  record Row(long line, Map<String, String> values) {
    String get(String column) {
      return values.get(column);
    }
  }

  private static void readRows(Path file, List<String> columns, Consumer<Row> sink) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file, "missing");
    }
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    try {
      if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
        readJsonl(file, columns, sink);
      } else if (name.endsWith(".csv")) {
        readCsv(file, columns, sink);
      } else {
        throw new DatasetException(file, "unknown format: use a .csv (with a header row) or a .jsonl file");
      }
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read: " + e.getMessage());
    }
  }

  private static void readCsv(Path file, List<String> columns, Consumer<Row> sink) throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
         CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).get().parse(in)) {
      List<String> header = parser.getHeaderNames();
      for (String c : columns) {
        if (!header.contains(c)) {
          throw new DatasetException(file, "column '" + c + "' is missing; expected columns " + columns + ", found " + header);
        }
      }
      for (CSVRecord r : parser) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String c : columns) {
          String v = r.isSet(c) ? r.get(c) : "";
          if (v.isEmpty()) {
            throw new DatasetException(file, r.getRecordNumber() + 1, "column '" + c + "' is empty");
          }
          values.put(c, v);
        }
        sink.accept(new Row(r.getRecordNumber() + 1, values));
      }
    }
  }

  private static void readJsonl(Path file, List<String> columns, Consumer<Row> sink) throws IOException {
    TextLines.read(file, StandardCharsets.UTF_8, (n, line) -> {
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (IOException e) {
        throw new DatasetException(file, n, "not a JSON object: " + MovieLensReader.abbreviate(line));
      }
      if (!node.isObject()) {
        throw new DatasetException(file, n, "expected a JSON object");
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (String c : columns) {
        JsonNode v = node.get(c);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
          throw new DatasetException(file, n, "field '" + c + "' is missing; expected fields " + columns);
        }
        values.put(c, v.asText());
      }
      sink.accept(new Row(n, values));
    });
  }

  private static long parseTime(Path file, Row row) {
    String t = row.get("timestamp");
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException notEpoch) {
      try {
        return Instant.parse(t).getEpochSecond();
      } catch (DateTimeParseException e) {
        throw new DatasetException(file, row.line(), "timestamp '" + t + "' is neither epoch seconds nor ISO-8601");
      }
    }
  }
}
