package dev.recsys.trainer.llm;

import dev.recsys.llm.Tokenizer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.artifact.ArtifactException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's tokenizer.json, loaded by the real Hugging Face tokenizers library (through DJL). */
class TokenizerTest {
  @TempDir Path dir;

  static final List<String> TEXTS = List.of(
      "Toy Story (1995)",
      "Misérables, Les (1995)",
      "Usual Suspects, The (1995)",
      "The user has watched the following movies before: \"Toy Story (1995)\", \"Heat (1995)\"",
      "Predict the next movie: \"Misérables, Les (1995)\"",
      "two  spaces and a trailing space ",
      "City of Lost Children, The (Cité des enfants perdus, La) (1995)");

  @Test
  void piecesMatchTheLibrarysPreTokenizer_andDecodingRestoresTheTextExactly() throws Exception {
    Path file = dir.resolve("tokenizer.json");
    int size = TokenizerTrainer.train(TEXTS, file);
    try (Tokenizer t = Tokenizer.load(file)) {
      assertThat(t.id(TokenizerTrainer.UNK)).isZero();
      assertThat(t.id(TokenizerTrainer.BOS)).isEqualTo(1);
      assertThat(t.id(TokenizerTrainer.EOS)).isEqualTo(2);
      assertThat(t.id(TokenizerTrainer.PAD)).isEqualTo(3);
      for (String text : TEXTS) {
        assertThat(Arrays.asList(t.pieces(text))).as(text).isEqualTo(TokenizerTrainer.pieces(text));
        long[] ids = t.encode(text);
        assertThat(ids).as(text).doesNotContain(0L);
        assertThat(Arrays.stream(ids).max().orElseThrow()).isLessThan(size);
        assertThat(t.decode(ids)).isEqualTo(text);
      }
      assertThat(t.decode(t.encode("\"Heat (1995)\""))).isEqualTo("\"Heat (1995)\"");
      assertThat(t.encode("Unseen words")).contains(0L);
    }
  }

  @Test
  void aSmallBudget_givesBytePairEncoding_boundedInSize_thatTheLibraryLoads_andThatRoundTrips() throws Exception {
    Path file = dir.resolve("tokenizer.json");
    List<String> texts = new java.util.ArrayList<>(TEXTS);
    texts.add("Smead File Pocket, Straight-Cut Tab, 5-1/4\" Expansion, Letter Size, Green, 10 per Box (73236)");
    texts.add("The user has purchased the following products before: \"Smead File Pocket, Letter Size\"");
    texts.add("Avery Removable Print or Write Labels, 0.5 x 0.75 Inches, White, Pack of 1008 (5418)");
    texts.add("Pilot G2 Retractable Premium Gel Ink Roller Ball Pens, Fine Point, Black Ink, Dozen Box (31020)");
    texts.add("Post-it Super Sticky Notes, 3 in x 3 in, Rio de Janeiro Collection, 12 Pads/Pack (654-12SSUC)");
    long alphabet = texts.stream().flatMapToInt(String::codePoints).distinct().count() + 1; // + the space mark
    long pieces = texts.stream().flatMap(x -> TokenizerTrainer.pieces(x).stream()).distinct().count();
    int budget = (int) alphabet + 4 + 12;
    assertThat(pieces + 4).as("the pieces do not fit the budget").isGreaterThan(budget);
    int size = TokenizerTrainer.train(texts, file, budget);
    assertThat(size).isLessThanOrEqualTo(budget);
    assertThat(Files.readString(file)).contains("\"type\" : \"BPE\"").contains("merges");
    try (Tokenizer t = Tokenizer.load(file)) {
      assertThat(t.id(TokenizerTrainer.EOS)).isEqualTo(2);
      for (String text : texts) {
        assertThat(Arrays.asList(t.pieces(text))).as(text).hasSizeGreaterThanOrEqualTo(
            TokenizerTrainer.pieces(text).size());
        long[] ids = t.encode(text);
        assertThat(ids).as(text).doesNotContain(0L);
        assertThat(Arrays.stream(ids).max().orElseThrow()).isLessThan(size);
        assertThat(t.decode(ids)).isEqualTo(text);
      }
      // frequent pieces are merged into single tokens, rare ones stay split
      assertThat(t.encode(" the")).hasSizeLessThan(" the".length());
      // a title's tokens continue the prompt's: merges never cross a piece
      String prompt = "The user has purchased the following products before:";
      long[] head = t.encode(prompt);
      long[] all = t.encode(prompt + " \"Smead File Pocket, Letter Size\"");
      assertThat(Arrays.copyOf(all, head.length)).isEqualTo(head);
    }
    // with a budget that fits every piece, the vocabulary stays word-level
    int words = TokenizerTrainer.train(texts, file, 4096);
    assertThat(Files.readString(file)).contains("\"type\" : \"WordLevel\"");
    assertThat(words).isGreaterThan(size);
  }

  @Test
  void aBrokenTokenizerFile_isRefusedNamingIt() throws Exception {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, "{\"model\": 12}");
    assertThatThrownBy(() -> Tokenizer.load(file)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("tokenizer.json").hasMessageContaining("not a usable tokenizer.json");
  }
}
