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
  void aBrokenTokenizerFile_isRefusedNamingIt() throws Exception {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, "{\"model\": 12}");
    assertThatThrownBy(() -> Tokenizer.load(file)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("tokenizer.json").hasMessageContaining("not a usable tokenizer.json");
  }
}
