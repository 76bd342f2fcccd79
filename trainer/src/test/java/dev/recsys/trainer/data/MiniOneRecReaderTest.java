package dev.recsys.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.llm.Prompts;
import dev.recsys.trainer.split.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MiniOneRec's layout, in small files of its exact format (quoted Python lists, extra columns). */
class MiniOneRecReaderTest {
  static final String HEADER = "user_id,history_item_title,item_title,history_item_id,item_id,history_item_sid,"
      + "item_sid\n";
  static final Prompts OFFICE = new Prompts("office product", "office products", "purchased");

  @TempDir Path dir;

  void write(String valid, String test) throws Exception {
    Files.writeString(dir.resolve("item.json"), """
        {"0": {"title": "BIC Pen, Blue", "description": "x"}, "1": {"title": "Smead File Pocket, 5-1/4\\" Expansion"},
         "2": {"title": "Avery Labels (5418)"}, "3": {"title": "Post-it Notes"}}""");
    Files.writeString(dir.resolve("valid.csv"), HEADER + valid);
    Files.writeString(dir.resolve("test.csv"), HEADER + test);
  }

  static String row(String user, String ids, String target) {
    return user + ",\"['a', 'b']\",\"t\",\"" + ids + "\"," + target + ",\"['<a_1>']\",<a_2>\n";
  }

  @Test
  void readsItemsAndRows_splitsValidIntoTrainAndItsLastRows_keepsThePromptWords() throws Exception {
    write(row("u1", "[0]", "1") + row("u1", "[0, 1]", "2") + row("u2", "[3]", "0") + row("u2", "[3, 0]", "1"),
        row("u3", "[2, 3, 1]", "0"));
    MiniOneRecReader.Result r = MiniOneRecReader.read(dir, "office", OFFICE, 2);
    assertThat(r.dataset().titles()).hasSize(4).containsEntry("1", "Smead File Pocket, 5-1/4\" Expansion");
    assertThat(r.dataset().prompts()).isEqualTo(OFFICE);
    assertThat(r.splits().train()).extracting(Sample::target).containsExactly("1", "2");
    assertThat(r.splits().valid()).extracting(Sample::target).containsExactly("0", "1");
    Sample t = r.splits().test().get(0);
    assertThat(t.history()).containsExactly("2", "3", "1");
    assertThat(t.timestamp()).isEqualTo(4);
    assertThat(t.strictlyLater()).as("no history times in this layout").isFalse();
  }

  @Test
  void aMalformedRow_orAnUnknownItem_isRefusedNamingTheFileAndLine() throws Exception {
    write(row("u1", "[0]", "1") + row("u1", "[0; 1]", "2"), row("u3", "[2]", "0"));
    assertThatThrownBy(() -> MiniOneRecReader.read(dir, "office", OFFICE, 1)).isInstanceOf(DatasetException.class)
        .hasMessageContaining("valid.csv:3").hasMessageContaining("'[0; 1]' is not a list of integer item ids");
    write(row("u1", "[0]", "1") + row("u1", "[0, 1]", "2"), row("u3", "[2, 99]", "0"));
    assertThatThrownBy(() -> MiniOneRecReader.read(dir, "office", OFFICE, 1)).isInstanceOf(DatasetException.class)
        .hasMessageContaining("test.csv:2").hasMessageContaining("item id 99 is not in item.json");
    write(row("u1", "[0]", "7") + row("u1", "[0, 1]", "2"), row("u3", "[2]", "0"));
    assertThatThrownBy(() -> MiniOneRecReader.read(dir, "office", OFFICE, 1))
        .hasMessageContaining("valid.csv:2").hasMessageContaining("item id 7");
    write(row("u1", "[0]", "1") + row("u1", "[0, 1]", "2"), "");
    Files.writeString(dir.resolve("test.csv"), "user_id,item_id\nu,1\n");
    assertThatThrownBy(() -> MiniOneRecReader.read(dir, "office", OFFICE, 1))
        .hasMessageContaining("test.csv").hasMessageContaining("column 'history_item_id' is missing");
    write(row("u1", "[0]", "1"), row("u3", "[2]", "0"));
    assertThatThrownBy(() -> MiniOneRecReader.read(dir, "office", OFFICE, 1))
        .hasMessageContaining("cannot hold out 1");
  }
}
