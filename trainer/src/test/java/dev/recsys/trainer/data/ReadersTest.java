package dev.recsys.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
  @TempDir Path dir;

  @Test
  void movieLens_readsLatin1Titles_andInteractions() throws IOException {
    Files.write(dir.resolve("u.item"), "1|Misérables, Les (1995)|01-Jan-1995||http://x|0|1\n2|Heat (1995)|||x|0|0\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    Files.writeString(dir.resolve("u.data"), "7\t2\t5\t100\n7\t1\t3\t50\n");
    Dataset d = MovieLensReader.read(dir, "ml");
    assertThat(d.titles()).containsEntry("1", "Misérables, Les (1995)").hasSize(2);
    assertThat(d.sequences().get("7")).extracting(Interaction::item).containsExactly("1", "2");
  }

  @Test
  void movieLens_missingFileOrBadLine_namesFileAndLine() throws IOException {
    assertThatThrownBy(() -> MovieLensReader.read(dir, "ml")).isInstanceOf(DatasetException.class)
        .hasMessageContaining("u.item").hasMessageContaining("missing");
    Files.writeString(dir.resolve("u.item"), "1|A|x\n");
    Files.writeString(dir.resolve("u.data"), "7\t1\t5\t100\n7\t1\t5\n");
    assertThatThrownBy(() -> MovieLensReader.read(dir, "ml")).hasMessageContaining("u.data:2")
        .hasMessageContaining("expected 4");
    Files.writeString(dir.resolve("u.data"), "7\t9\t5\t100\n");
    assertThatThrownBy(() -> MovieLensReader.read(dir, "ml")).hasMessageContaining("item id 9 is not in u.item");
  }

  @Test
  void generic_readsCsvAndJsonl_withIsoOrEpochTimes() throws IOException {
    Files.writeString(dir.resolve("items.csv"), "item,title,genre\nm1,\"Heat, The (1995)\",crime\nm2,Up (2009),kids\n");
    Files.writeString(dir.resolve("log.jsonl"),
        "{\"user\":\"u\",\"item\":\"m2\",\"timestamp\":\"1970-01-01T00:01:40Z\"}\n{\"user\":\"u\",\"item\":\"m1\",\"timestamp\":50}\n");
    Dataset d = GenericReader.read(dir.resolve("items.csv"), dir.resolve("log.jsonl"), "g");
    assertThat(d.titles()).containsEntry("m1", "Heat, The (1995)");
    assertThat(d.sequences().get("u")).extracting(Interaction::timestamp).containsExactly(50L, 100L);
  }

  @Test
  void generic_missingColumn_isNamed() throws IOException {
    Files.writeString(dir.resolve("items.csv"), "id,name\n1,A\n");
    Files.writeString(dir.resolve("log.csv"), "user,item,timestamp\nu,1,5\n");
    assertThatThrownBy(() -> GenericReader.read(dir.resolve("items.csv"), dir.resolve("log.csv"), "g"))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("items.csv").hasMessageContaining("column 'item' is missing")
        .hasMessageContaining("found [id, name]");
  }

  @Test
  void generic_unknownItemAndBadTimestamp_areNamedWithLine() throws IOException {
    Files.writeString(dir.resolve("items.csv"), "item,title\n1,A\n");
    Files.writeString(dir.resolve("log.csv"), "user,item,timestamp\nu,1,yesterday\n");
    assertThatThrownBy(() -> GenericReader.read(dir.resolve("items.csv"), dir.resolve("log.csv"), "g"))
        .hasMessageContaining("log.csv:2").hasMessageContaining("'yesterday'");
    Files.writeString(dir.resolve("log.csv"), "user,item,timestamp\nu,2,5\n");
    assertThatThrownBy(() -> GenericReader.read(dir.resolve("items.csv"), dir.resolve("log.csv"), "g"))
        .hasMessageContaining("item id 2 is not in items.csv");
    assertThatThrownBy(() -> GenericReader.read(dir.resolve("items.csv"), dir.resolve("log.txt"), "g"))
        .hasMessageContaining("log.txt: missing");
  }

  @Test
  void datasetFiles_roundTrip() throws IOException {
    Files.writeString(dir.resolve("items.csv"), "item,title\n1,A\n2,B\n");
    Files.writeString(dir.resolve("log.csv"), "user,item,timestamp\nu,2,5\nu,1,5\nv,1,1\n");
    Dataset d = GenericReader.read(dir.resolve("items.csv"), dir.resolve("log.csv"), "g");
    DatasetFiles.write(d, "test", dir.resolve("ds"));
    Dataset back = DatasetFiles.read(dir.resolve("ds"));
    assertThat(back.titles()).isEqualTo(d.titles());
    assertThat(back.sequences()).isEqualTo(d.sequences());
    // tie at t=5 is broken by item id: 1 before 2
    assertThat(back.sequences().get("u")).extracting(Interaction::item).containsExactly("1", "2");
  }
}
