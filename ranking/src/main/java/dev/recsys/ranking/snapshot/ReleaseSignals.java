package dev.recsys.ranking.snapshot;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.common.interactions.CooccurrenceFile;
import dev.recsys.common.interactions.TransitionsFile;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.signal.ItemSignal;
import dev.recsys.ranking.signal.PopularitySignal;
import dev.recsys.ranking.signal.SimilarItemsSignal;
import dev.recsys.ranking.signal.TransitionSignal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A release's collaborative and content signals read from its files and checked against its
 * catalogue: the transition counts, the co-occurrence weights, the sequential model and content
 * similarity. Both services' loaders and the quality bench read them here; each refuses a file the
 * serving pipeline needs and the release lacks, naming the file.
 */
public final class ReleaseSignals {
  private ReleaseSignals() {}

  /**
   * The signals W: popularity always; the transition counts, the co-occurrence weights, the
   * sequential model and content similarity when present (each may be null).
   */
  public static List<ItemSignal> of(Catalogue catalogue, TransitionModel transitions, TransitionModel cooccurrence,
      SasRec sequential, SimilarItemsSignal similar) {
    List<ItemSignal> out = new ArrayList<>();
    out.add(new PopularitySignal(catalogue));
    if (transitions != null) {
      out.add(new TransitionSignal(transitions));
    }
    if (cooccurrence != null) {
      out.add(TransitionSignal.cooccurrence(cooccurrence));
    }
    if (sequential != null) {
      out.add(sequential);
    }
    if (similar != null) {
      out.add(similar);
    }
    return out;
  }

  /** The release's transition counts, or null when it ships none. */
  public static TransitionModel transitions(ReleaseLayout release, Catalogue catalogue) {
    if (!release.contains(ReleaseLayout.TRANSITIONS)) {
      return null;
    }
    Path file = release.file(ReleaseLayout.TRANSITIONS);
    try {
      return new TransitionModel(catalogue, TransitionsFile.read(file));
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, e.getMessage());
    }
  }

  /**
   * The release's co-occurrence weights ({@code cooccurrence.tsv}): refused when missing, since
   * the caller asks only when its pipeline reads them.
   */
  public static TransitionModel cooccurrence(ReleaseLayout release, Catalogue catalogue, ServingPipeline pipeline) {
    Path file = release.require(ReleaseLayout.COOCCURRENCE, "the release's serving pipeline " + pipeline.name()
        + " reads the co-occurrence weights");
    try {
      return TransitionModel.weighted(catalogue, CooccurrenceFile.read(file));
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, e.getMessage());
    }
  }

  /**
   * Content similarity over a release's sentence-encoder snapshot ({@code embeddings.bin}: every
   * release has one, whichever space grounds the LLM's texts), checked against its catalogue.
   */
  public static SimilarItemsSignal similar(ReleaseLayout release, Catalogue catalogue) {
    Path file = release.require(ReleaseLayout.EMBEDDINGS, "the release's serving pipeline reads content "
        + "similarity, which is computed from it");
    EmbeddingMatrix m = SnapshotFile.read(file);
    if (m.rows() != catalogue.size()) {
      throw new ArtifactException(file, m.rows() + " rows but the catalogue has " + catalogue.size() + " items");
    }
    return similar(file, m);
  }

  /** Content similarity over an already read snapshot. */
  static SimilarItemsSignal similar(Path file, EmbeddingMatrix m) {
    try {
      return SimilarItemsSignal.of(m);
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, e.getMessage());
    }
  }

  /**
   * The release's SASRec model, checked against its catalogue; null when it has none and the
   * pipeline needs none.
   */
  public static SasRec sequential(ReleaseLayout release, Catalogue catalogue, ServingPipeline pipeline) {
    if (!release.hasSequentialModel()) {
      if (pipeline.needsSequential()) {
        release.require(ReleaseLayout.SASREC, "the release's serving pipeline " + pipeline.name()
            + " needs its sequential model");
      }
      return null;
    }
    return SasRec.load(release.file(ReleaseLayout.SASREC), itemIds(catalogue));
  }

  /**
   * The LLM's prior of every title ({@link TitlePriorsFile}), refused when missing: the caller asks
   * only when its pipeline ranks candidates with a prior weight.
   */
  public static double[] titlePriors(ReleaseLayout release, Catalogue catalogue, ServingPipeline pipeline) {
    Path file = release.require(ReleaseLayout.LLM_TITLE_PRIOR, "the release's serving pipeline " + pipeline.name()
        + " ranks candidates with the LLM's prior of each title (β = " + pipeline.generation().priorWeight() + ")");
    return TitlePriorsFile.read(file, catalogue);
  }

  /** The catalogue's item ids in row order (what a sequential model's rows must match). */
  public static List<String> itemIds(Catalogue catalogue) {
    return catalogue.items().stream().map(Item::id).toList();
  }
}
