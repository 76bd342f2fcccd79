package dev.recsys.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.trainer.split.Splits;
import dev.recsys.trainer.split.Splitter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Runs on the real MovieLens-100K copy when the shared data folder is present. */
class MovieLens100kImportTest {
  static Path ml100k() {
    Path dir = Path.of(System.getProperty("recsys.ml100k", "../../shared/datasets/ml-100k"));
    Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("u.data")),
        "MovieLens-100K not found at " + dir.toAbsolutePath() + " (set -Drecsys.ml100k=<folder>); skipping");
    return dir;
  }

  @Test
  void importsAllRatings_andSplitsThemByBothProtocols() {
    Dataset d = MovieLensReader.read(ml100k(), "ml-100k");
    assertThat(d.titles()).hasSize(1682).containsEntry("1", "Toy Story (1995)");
    assertThat(d.titles().get("1682")).isEqualTo("Scream of Stone (Schrei aus Stein) (1991)");
    assertThat(d.interactions()).hasSize(100_000);
    assertThat(d.sequences()).hasSize(943);
    Splits bigrec = Splitter.bigrec(d);
    int samples = 100_000 - 943;
    assertThat(bigrec.train()).hasSize((int) Math.floor(samples * 0.8));
    assertThat(bigrec.train().size() + bigrec.valid().size() + bigrec.test().size()).isEqualTo(samples);
    Splits loo = Splitter.leaveOneOut(d);
    assertThat(loo.test()).hasSize(943);
    assertThat(loo.valid()).hasSize(943);
    // MovieLens saved ratings a page at a time: half the test targets share the second of the last history item
    assertThat(bigrec.test().stream().filter(s -> !s.strictlyLater()).count()).isEqualTo(5169);
    // shuffling ties in training leaves validation and test as they were
    Splits shuffled = Splitter.bigrec(d, Splitter.TieOrder.SHUFFLED, 0);
    assertThat(shuffled.valid()).isEqualTo(bigrec.valid());
    assertThat(shuffled.test()).isEqualTo(bigrec.test());
    assertThat(shuffled.train()).hasSameSizeAs(bigrec.train()).isNotEqualTo(bigrec.train());
  }

  @Test
  void importsTheAmazonOfficeCopy_inMiniOneRecsLayout() {
    Path dir = Path.of(System.getProperty("recsys.ml100k", "../../shared/datasets/ml-100k")).resolveSibling(
        "amazon18-office");
    Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("valid.csv")),
        "Amazon Office (MiniOneRec) not found at " + dir.toAbsolutePath() + "; skipping");
    MiniOneRecReader.Result r = MiniOneRecReader.read(dir, "office", dev.recsys.llm.Prompts.items(), 500);
    assertThat(r.dataset().titles()).hasSize(3459);
    assertThat(r.splits().train()).hasSize(4866 - 500);
    assertThat(r.splits().valid()).hasSize(500);
    assertThat(r.splits().test()).hasSize(4866);
    assertThat(r.splits().test()).allSatisfy(s -> assertThat(s.history()).isNotEmpty().hasSizeLessThanOrEqualTo(10));
  }
}
