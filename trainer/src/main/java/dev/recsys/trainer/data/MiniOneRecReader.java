package dev.recsys.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.llm.Prompts;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import dev.recsys.trainer.split.Splitter;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads MiniOneRec's processing of the Amazon Reviews 2018 data (AkaliKong/MiniOneRec,
 * {@code data/Amazon/}): {@code item.json} ({@code {"<id>": {"title": ...}}}) and {@code valid.csv},
 * {@code test.csv}, one row per next-item event with the user's previous items (at most 10,
 * oldest first) as a Python list literal in {@code history_item_id} and the next item in
 * {@code item_id}. Rows are in time order and carry no timestamps.
 *
 * <p>The split (the train split is not part of the copy): {@code valid.csv} without its last
 * {@code validRows} rows trains, those rows validate, {@code test.csv} tests. A sample's timestamp
 * is its row's position in that order; history times are unknown.
 *
 * <p>Every problem is a {@link DatasetException} naming the file and line: a missing column, a
 * history that is not a list of integer ids, an item id that {@code item.json} lacks.
 */
public final class MiniOneRecReader {
  /** The data set and its split. */
  public record Result(Dataset dataset, Splits splits) {}

  private static final Pattern ID_LIST = Pattern.compile("\\[\\s*(\\d+\\s*(,\\s*\\d+\\s*)*)?\\]");
  private static final ObjectMapper JSON = new ObjectMapper();

  private MiniOneRecReader() {}

  public static Result read(Path dir, String name, Prompts prompts, int validRows) {
    Path itemsFile = dir.resolve("item.json");
    Map<String, String> titles = items(itemsFile);
    List<Row> valid = rows(dir.resolve("valid.csv"), titles);
    List<Row> test = rows(dir.resolve("test.csv"), titles);
    if (validRows < 1 || validRows >= valid.size()) {
      throw new DatasetException(dir.resolve("valid.csv"), "has " + valid.size() + " rows; cannot hold out "
          + validRows + " of them for validation and train on the rest");
    }
    List<Sample> all = new ArrayList<>();
    List<Interaction> interactions = new ArrayList<>();
    long time = 0;
    for (Row r : concat(valid, test)) {
      all.add(new Sample(r.user(), r.history(), r.target(), time, null));
      interactions.add(new Interaction(r.user(), r.target(), time));
      time++;
    }
    int trainEnd = valid.size() - validRows;
    Splits splits = new Splits("bigrec", List.copyOf(all.subList(0, trainEnd)),
        List.copyOf(all.subList(trainEnd, valid.size())), List.copyOf(all.subList(valid.size(), all.size())));
    return new Result(new Dataset(name, titles, interactions, prompts), splits);
  }

  private record Row(String user, List<String> history, String target) {}

  private static Map<String, String> items(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file, "missing; a MiniOneRec folder has item.json, valid.csv and test.csv");
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new DatasetException(file, "not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new DatasetException(file, "expected an object of item id to {\"title\": ...}");
    }
    Map<String, String> titles = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String title = e.getValue().path("title").asText("").strip();
      if (title.isEmpty()) {
        throw new DatasetException(file, "item " + e.getKey() + " has no title");
      }
      titles.put(e.getKey(), title.replace('\t', ' ').replace('\n', ' ').replace('\r', ' '));
    }
    if (titles.isEmpty()) {
      throw new DatasetException(file, "no items");
    }
    return titles;
  }

  private static List<Row> rows(Path file, Map<String, String> titles) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file, "missing; a MiniOneRec folder has item.json, valid.csv and test.csv");
    }
    List<Row> out = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
         CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
      for (String c : List.of("user_id", "history_item_id", "item_id")) {
        if (!parser.getHeaderNames().contains(c)) {
          throw new DatasetException(file, "column '" + c + "' is missing; expected MiniOneRec's columns user_id,"
              + "history_item_title,item_title,history_item_id,item_id,...; found " + parser.getHeaderNames());
        }
      }
      for (CSVRecord r : parser) {
        long line = parser.getCurrentLineNumber();
        if (!r.isConsistent()) {
          throw new DatasetException(file, line, "has " + r.size() + " fields, the header " + parser.getHeaderNames()
              .size());
        }
        String list = r.get("history_item_id").strip();
        if (!ID_LIST.matcher(list).matches()) {
          throw new DatasetException(file, line, "history_item_id '" + MovieLensReader.abbreviate(list)
              + "' is not a list of integer item ids such as [12, 7]");
        }
        List<String> history = new ArrayList<>();
        String inner = list.substring(1, list.length() - 1).strip();
        if (!inner.isEmpty()) {
          for (String id : inner.split(",")) {
            history.add(known(file, line, id.strip(), titles));
          }
        }
        String user = r.get("user_id").strip();
        if (user.isEmpty()) {
          throw new DatasetException(file, line, "user_id is empty");
        }
        String target = known(file, line, r.get("item_id").strip(), titles);
        out.add(new Row(user, List.copyOf(history.subList(Math.max(0, history.size() - Splitter.WINDOW),
            history.size())), target));
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new DatasetException(file, "cannot read as CSV: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new DatasetException(file, "no rows");
    }
    return out;
  }

  private static String known(Path file, long line, String id, Map<String, String> titles) {
    if (!titles.containsKey(id)) {
      throw new DatasetException(file, line, "item id " + id + " is not in item.json");
    }
    return id;
  }

  private static List<Row> concat(List<Row> a, List<Row> b) {
    List<Row> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
