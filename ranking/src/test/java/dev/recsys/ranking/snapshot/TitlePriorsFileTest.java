package dev.recsys.ranking.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseDraft;
import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TitlePriorsFileTest {
  static final Catalogue CATALOGUE = new Catalogue(List.of(new Item("i0", "T", 0), new Item("i1", "U", 0),
      new Item("i2", "V", 0)));

  @TempDir Path dir;

  @Test
  void roundTrip_isExact_perCatalogueRow() throws Exception {
    Path f = dir.resolve("llm-title-prior.tsv");
    double[] priors = {-12.345678901234567, -0.1, -3e-7};
    TitlePriorsFile.write(f, CATALOGUE, priors);
    assertThat(TitlePriorsFile.read(f, CATALOGUE)).containsExactly(priors);
    assertThatThrownBy(() -> TitlePriorsFile.write(f, CATALOGUE, new double[] {-1})).hasMessageContaining(
        "1 priors for 3 items");
  }

  @Test
  void aBrokenFile_isRefusedNamingTheFileAndWhatIsWrong() throws Exception {
    assertRefused("item_id\tlog_prob\ni0\t-1\ni1\t-2\n", "no prior for item 'i2' of the catalogue");
    assertRefused("item_id\tlog_prob\ni0\t-1\ni1\t-2\ni2\t-3\nzz\t-1\n", "line 5: item 'zz' is not in the release's "
        + "catalogue");
    assertRefused("item_id\tlog_prob\ni0\t-1\ni0\t-2\ni2\t-3\n", "line 3: item 'i0' appears twice");
    assertRefused("item_id\tlog_prob\ni0\t-1\ni1\tNaN\ni2\t-3\n", "line 3: log_prob must be a finite log-probability");
    assertRefused("item_id\tlog_prob\ni0\t-1\ni1\t0.5\ni2\t-3\n", "line 3: log_prob must be a finite log-probability");
    assertRefused("item_id\tlog_prob\ni0\t-1\ni1\tlow\ni2\t-3\n", "line 3: log_prob 'low' is not a number");
    assertRefused("item\tprior\ni0\t-1\n", "expected header 'item_id\tlog_prob'");
  }

  /** What the generator loads with a release whose pipeline ranks with the titles' priors. */
  @Test
  void aReleaseWhosePipelineNeedsThePriors_isRefusedWithoutThem_orWithABrokenFile() throws Exception {
    ServingPipeline pmi = new ServingPipeline(ServingPipeline.Kind.RERANK,
        new ServingPipeline.Generation(30, 30, true, true, 0.5, 1), new ServingPipeline.Grounding(100, 0, "sasrec", 5));
    FileArtifactStore store = new FileArtifactStore(dir.resolve("store"));
    ReleaseLayout without = store.open("t", release(store, null));
    assertThatThrownBy(() -> ReleaseSignals.titlePriors(without, CATALOGUE, pmi)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining(ReleaseLayout.LLM_TITLE_PRIOR).hasMessageContaining("missing, but the release's serving "
            + "pipeline sasrec+llm-rerank ranks candidates with the LLM's prior of each title");
    ReleaseLayout broken = store.open("t", release(store, "item_id\tlog_prob\ni0\t-1\ni1\t-2\n"));
    assertThatThrownBy(() -> ReleaseSignals.titlePriors(broken, CATALOGUE, pmi)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining(ReleaseLayout.LLM_TITLE_PRIOR).hasMessageContaining("no prior for item 'i2'");
    ReleaseLayout good = store.open("t", release(store, "item_id\tlog_prob\ni0\t-1\ni1\t-2\ni2\t-3\n"));
    assertThat(ReleaseSignals.titlePriors(good, CATALOGUE, pmi)).containsExactly(-1, -2, -3);
  }

  private static String release(FileArtifactStore store, String priors) throws Exception {
    ReleaseDraft d = store.draft("t");
    CatalogueFile.write(CATALOGUE, d.path(ReleaseLayout.CATALOGUE));
    if (priors != null) {
      Files.writeString(d.path(ReleaseLayout.LLM_TITLE_PRIOR), priors);
    }
    d.commit(new ReleaseManifest(0, null, null, null, "test", "enc", 4, 3, Map.of(), Map.of(), null));
    return d.release();
  }

  private void assertRefused(String content, String message) throws Exception {
    Path f = dir.resolve("broken.tsv");
    Files.writeString(f, content);
    assertThatThrownBy(() -> TitlePriorsFile.read(f, CATALOGUE)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining(message);
  }
}
