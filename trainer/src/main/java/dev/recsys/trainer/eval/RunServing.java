package dev.recsys.trainer.eval;

import dev.recsys.common.artifact.Checksums;
import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.llm.LoraAdapter;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.llm.TitleTrie;
import dev.recsys.ranking.encoder.LlmEncoder;
import dev.recsys.ranking.index.HnswItemIndex;
import dev.recsys.ranking.index.ItemIndex;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.signal.ItemSignal;
import dev.recsys.ranking.signal.MixtureSignal;
import dev.recsys.ranking.signal.SimilarItemsSignal;
import dev.recsys.ranking.encoder.Encoder;
import dev.recsys.ranking.encoder.Encoders;
import dev.recsys.ranking.snapshot.GroundingSnapshot;
import dev.recsys.ranking.snapshot.ReleaseSignals;
import dev.recsys.ranking.snapshot.TitlePriorsFile;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.publish.ReleaseBuilder;
import dev.recsys.trainer.split.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A trained run as the services will serve it: the catalogue with its training popularity, the
 * catalogue embedded by the run's base model and the HNSW index over it (written once into
 * {@code <run>/serving/}, and shipped by {@code publish} exactly as evaluated), the fine-tuned
 * generator and its title trie, the sequential model ({@code <run>/sasrec.safetensors}), the
 * transition counts and co-occurrence weights, and content similarity over the catalogue embedded by the release's sentence
 * encoder ({@code serving/embeddings.bin}, shipped as well). Closing it frees the models' native memory.
 */
public final class RunServing implements AutoCloseable {
  /** Sub-folder of a run with the serving files evaluation made. */
  public static final String DIR = "serving";

  private final Catalogue catalogue;
  private final LlmEncoder encoder;
  private final EmbeddingMatrix embeddings;
  private final HnswItemIndex index;
  private final TitleGenerator generator;
  private final TitleTrie trie;
  private final SasRec sequential;
  private final TransitionModel transitions;
  private final TransitionModel cooccurrence;
  private final SimilarItemsSignal similar;
  private final Path servingDir;
  private final String generatorId;
  private double[] titlePriors;

  private RunServing(Catalogue catalogue, LlmEncoder encoder, EmbeddingMatrix embeddings, HnswItemIndex index,
      TitleGenerator generator, TitleTrie trie, SasRec sequential, TransitionModel transitions,
      TransitionModel cooccurrence, SimilarItemsSignal similar, Path servingDir, String generatorId) {
    this.catalogue = catalogue;
    this.encoder = encoder;
    this.embeddings = embeddings;
    this.index = index;
    this.generator = generator;
    this.trie = trie;
    this.sequential = sequential;
    this.transitions = transitions;
    this.cooccurrence = cooccurrence;
    this.similar = similar;
    this.servingDir = servingDir;
    this.generatorId = generatorId;
  }

  /**
   * Opens a run: embeds the catalogue and builds the index the first time (progress: titles
   * embedded), reuses them afterwards when they match the base model and catalogue.
   */
  public static RunServing open(Dataset d, List<Sample> train, Path run, IntConsumer progress)
      throws IOException, InterruptedException {
    return open(d, train, run, run.resolve(ReleaseLayout.ADAPTER), progress);
  }

  /** As {@link #open(Dataset, List, Path, IntConsumer)} with another adapter on the run's base (a curve point). */
  public static RunServing open(Dataset d, List<Sample> train, Path run, Path adapter, IntConsumer progress)
      throws IOException, InterruptedException {
    Catalogue catalogue = ReleaseBuilder.catalogue(d, train);
    List<String> ids = catalogue.items().stream().map(Item::id).toList();
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      LlmEncoder encoder = new LlmEncoder(run.resolve(ReleaseLayout.BASE));
      opened.add(encoder);
      Path dir = run.resolve(DIR);
      Files.createDirectories(dir);
      Path embFile = dir.resolve(ReleaseLayout.LLM_EMBEDDINGS);
      Path indexFile = dir.resolve(ReleaseLayout.LLM_INDEX);
      EmbeddingMatrix embeddings = Files.isRegularFile(embFile) ? SnapshotFile.read(embFile) : null;
      if (embeddings == null || !embeddings.encoderId().equals(encoder.id()) || embeddings.rows() != catalogue.size()) {
        float[][] rows = new float[catalogue.size()][];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = encoder.embed(catalogue.get(i).title());
          progress.accept(i + 1);
        }
        embeddings = EmbeddingMatrix.of(encoder.id(), rows);
        SnapshotFile.write(embeddings, embFile);
        Files.deleteIfExists(indexFile);
      }
      HnswItemIndex index;
      if (Files.isRegularFile(indexFile)) {
        index = HnswItemIndex.load(indexFile, embeddings, HnswItemIndex.Params.defaults().ef());
      } else {
        index = HnswItemIndex.build(embeddings, HnswItemIndex.Params.defaults());
        index.save(indexFile);
      }
      TitleGenerator generator = new TitleGenerator(run.resolve(ReleaseLayout.BASE), adapter, d.prompts());
      opened.add(generator);
      TitleTrie trie = generator.trie(catalogue.items().stream().map(Item::title).toList());
      Path sasrecFile = run.resolve(ReleaseLayout.SASREC);
      SasRec sequential = Files.isRegularFile(sasrecFile) ? SasRec.load(sasrecFile, ids) : null;
      SimilarItemsSignal similar = SimilarItemsSignal.of(sentenceSnapshot(catalogue, dir));
      return new RunServing(catalogue, encoder, embeddings, index, generator, trie, sequential,
          new TransitionModel(catalogue, ReleaseBuilder.transitions(train)),
          TransitionModel.weighted(catalogue, ReleaseBuilder.cooccurrences(train)), similar, dir,
          generatorId(run.resolve(ReleaseLayout.BASE), adapter));
    } catch (IOException | InterruptedException | RuntimeException e) {
      for (AutoCloseable c : opened) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing what was opened before the failure; the failure is what matters
        }
      }
      throw e;
    }
  }

  /**
   * The catalogue embedded by the sentence encoder the release ships ({@code serving/embeddings.bin},
   * which {@code publish} ships as it is): content similarity is computed from it. Made once.
   */
  private static EmbeddingMatrix sentenceSnapshot(Catalogue catalogue, Path dir) throws IOException {
    Path file = dir.resolve(ReleaseLayout.EMBEDDINGS);
    EmbeddingMatrix m = Files.isRegularFile(file) ? SnapshotFile.read(file) : null;
    Encoder sentences = Encoders.byId(ReleaseBuilder.SENTENCE_ENCODER);
    if (m == null || !m.encoderId().equals(sentences.id()) || m.rows() != catalogue.size()) {
      m = ReleaseBuilder.embed(sentences, catalogue, n -> { });
      SnapshotFile.write(m, file);
    }
    return m;
  }

  public Catalogue catalogue() {
    return catalogue;
  }

  public TitleGenerator generator() {
    return generator;
  }

  public TitleTrie trie() {
    return trie;
  }

  public LlmEncoder encoder() {
    return encoder;
  }

  /** The sequential model, or null when the run has none. */
  public SasRec sequential() {
    return sequential;
  }

  public TransitionModel transitions() {
    return transitions;
  }

  /**
   * The grounding snapshot the release will load, serving {@code pipeline}; {@code signals} and
   * {@code index} may be memoising wrappers of this run's (evaluation grounds the same samples
   * under many pipelines), which change no result.
   */
  public GroundingSnapshot snapshot(ServingPipeline pipeline, List<ItemSignal> signals, ItemIndex index) {
    return new GroundingSnapshot(catalogue, embeddings, index, encoder, signals, pipeline, List.of());
  }

  /** This run's signals, as a release of it loads them. */
  public List<ItemSignal> signals() {
    return ReleaseSignals.of(catalogue, transitions, cooccurrence, sequential, similar);
  }

  /**
   * The run's signal of this name (popularity, transitions, SASRec, similarity, a mixture of them),
   * or null when it has none such.
   */
  public ItemSignal signal(String name) {
    ItemSignal s = signals().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
    return s != null ? s : MixtureSignal.resolveIfAvailable(name, this::signal);
  }

  public ItemIndex index() {
    return index;
  }

  /** What {@code serving/llm-title-prior.source} records next to the priors: the model they were computed with. */
  public static final String PRIOR_SOURCE = "llm-title-prior.source";

  /**
   * The model ({@link #generatorId}) the priors in {@code servingDir} were computed with, or empty
   * when the priors or their source record are missing.
   */
  public static java.util.Optional<String> priorsSource(Path servingDir) throws IOException {
    Path source = servingDir.resolve(PRIOR_SOURCE);
    if (!Files.isRegularFile(servingDir.resolve(ReleaseLayout.LLM_TITLE_PRIOR)) || !Files.isRegularFile(source)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Files.readString(source).strip());
  }

  /**
   * The fine-tuned LLM's log-probability of every catalogue title without a history
   * ({@link TitleGenerator#titlePriors}), one per catalogue row: computed the first time it is
   * asked for and written to {@code serving/llm-title-prior.tsv} ({@link TitlePriorsFile}), which
   * {@code publish} ships, and read back from there afterwards while the base and adapter it was
   * computed with are the run's ({@code serving/llm-title-prior.source}). Evaluation and the
   * generator thus rank with the same numbers.
   *
   * @throws UncheckedIOException when the file cannot be read or written
   */
  public synchronized double[] titlePriors() {
    if (titlePriors != null) {
      return titlePriors;
    }
    try {
      Path file = servingDir.resolve(ReleaseLayout.LLM_TITLE_PRIOR);
      if (priorsSource(servingDir).filter(generatorId::equals).isPresent()) {
        titlePriors = TitlePriorsFile.read(file, catalogue);
      } else {
        double[] computed = generator.titlePriors(trie);
        TitlePriorsFile.write(file, catalogue, computed);
        Files.writeString(servingDir.resolve(PRIOR_SOURCE), generatorId + "\n");
        titlePriors = TitlePriorsFile.read(file, catalogue); // the numbers as the release will ship them
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compute or read the run's title priors in " + servingDir, e);
    }
    return titlePriors;
  }

  /**
   * The fine-tuned LLM a run's serving files were made with: its base ({@link LlmEncoder#idOf}) and
   * the first 12 hex digits of its adapter weights' SHA-256.
   */
  public static String generatorId(Path baseDir, Path adapterDir) throws IOException {
    return LlmEncoder.idOf(baseDir) + " adapter-" + Checksums.sha256(adapterDir.resolve(LoraAdapter.WEIGHTS))
        .substring(0, 12);
  }

  @Override
  public void close() {
    if (sequential != null) {
      sequential.close();
    }
    generator.close();
    encoder.close();
  }
}
