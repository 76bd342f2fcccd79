package dev.recsys.trainer.bigrec;

import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.llm.ModelFiles;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.llm.CausalLmTraining;
import dev.recsys.llm.LlamaCheckpoint;
import dev.recsys.llm.LlamaConfig;
import dev.recsys.llm.LlamaModel;
import dev.recsys.llm.LoraAdapter;
import dev.recsys.llm.LoraConfig;
import dev.recsys.llm.Tokenizer;
import dev.recsys.trainer.llm.TokenizerTrainer;
import dev.recsys.trainer.prompt.InstructionSample;
import dev.recsys.llm.Prompts;
import dev.recsys.trainer.prompt.SampleBuilder;
import dev.recsys.trainer.split.Sample;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.ranking.sequential.SasRecConfig;
import dev.recsys.trainer.publish.ReleaseBuilder;
import dev.recsys.trainer.sequential.SasRecTraining;
import dev.recsys.trainer.sequential.SequentialExamples;
import dev.recsys.trainer.split.Splitter;
import dev.recsys.trainer.split.ValidationHalves;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The learning half, step by step (no pretrained LLM is available offline here):
 * <ol>
 *   <li>build a tokenizer over the catalogue titles and the instruction texts;</li>
 *   <li>pre-train a small Llama-architecture base (causal LM) on one text per catalogue title and
 *       next-item texts of the training split; save it as a Hugging Face checkpoint
 *       ({@code base/}: config.json, model.safetensors, tokenizer.json);</li>
 *   <li>fine-tune a LoRA adapter on BIGRec's few-shot next-item samples plus the auxiliary tasks,
 *       base frozen; save it in the PEFT format ({@code adapter/});</li>
 *   <li>train the sequential recommender (SASRec) on every training sample, early-stopped on
 *       validation ({@code sasrec.safetensors}): BIGRec's collaborative signal and D3's assistant.</li>
 * </ol>
 */
public final class TrainingRun {

  /** Reports progress of a phase. */
  public interface Listener {
    void phase(String name, int totalSteps);

    void step(int step, float loss, long tokens);

    /** Before a language-model phase: what it will process (tokens per epoch, padding excluded). */
    default void plan(String phase, int sequences, long tokensPerEpoch, int epochs) {}
  }

  /**
   * What the run did, for the manifest and the README; {@code sequential} is null when that phase
   * was kept; {@code pretrainedBase} the folder the base came from, null when it was built here.
   */
  public record Summary(int vocab, long baseParams, CausalLmTraining.Result pretrain, CausalLmTraining.Result fineTune,
      int fineTuneSamples, SasRecTraining.Result sequential, String pretrainedBase) {}

  private TrainingRun() {}

  public static Summary run(Dataset d, List<Sample> train, List<Sample> valid, Profile p, long seed, Path out,
      Listener listener) throws IOException {
    return run(d, train, valid, p, seed, out, listener, false);
  }

  /**
   * @param resume keep a phase that an earlier run with the same arguments completed (each phase
   *               writes a marker after its outputs are saved); its result is reported as zero steps
   */
  public static Summary run(Dataset d, List<Sample> train, List<Sample> valid, Profile p, long seed, Path out,
      Listener listener, boolean resume) throws IOException {
    return run(d, train, valid, p, seed, out, listener, resume, null);
  }

  /**
   * @param pretrained a Hugging Face checkpoint folder (config.json, model.safetensors,
   *                   tokenizer.json; e.g. what {@code recsys-trainer base} converts) to fine-tune
   *                   instead of pre-training a base from scratch; null to pre-train one
   */
  public static Summary run(Dataset d, List<Sample> train, List<Sample> valid, Profile p, long seed, Path out,
      Listener listener, boolean resume, Path pretrained) throws IOException {
    Prompts prompts = d.prompts();
    Random rnd = new Random(seed);
    SampleBuilder builder = new SampleBuilder(prompts, d.titles());

    List<String> pretrainTexts = new ArrayList<>();
    d.titles().values().forEach(t -> pretrainTexts.add(prompts.catalogueText(t)));
    List<Sample> pool = new ArrayList<>(train);
    pool.removeIf(s -> s.history().isEmpty());
    Collections.shuffle(pool, rnd);
    for (Sample s : pool.subList(0, Math.min(p.pretrainSamples(), pool.size()))) {
      pretrainTexts.add(builder.recommend(s).text());
    }
    List<InstructionSample> fineTune = builder.build(train, p.fineTuneSamples(), p.auxRatio(), seed + 1);

    Path baseDir = out.resolve(ReleaseLayout.BASE);
    Files.createDirectories(baseDir);
    List<String> vocabTexts = new ArrayList<>(pretrainTexts);
    fineTune.forEach(s -> vocabTexts.add(s.text()));
    // every title also in list position (followed by a comma), as prompts show them
    d.titles().values().forEach(t -> vocabTexts.add(prompts.recommend(List.of(t, t))));
    Path pretrainDone = out.resolve(".pretrain.done");
    Path fineTuneDone = out.resolve(".finetune.done");
    Path sequentialDone = out.resolve(".sasrec.done");
    if (!resume) {
      Files.deleteIfExists(pretrainDone);
      Files.deleteIfExists(fineTuneDone);
      Files.deleteIfExists(sequentialDone);
    }
    // a phase is kept only when its marker and what it wrote are both there
    boolean keepBase = Files.exists(pretrainDone) && Files.exists(baseDir.resolve(LlamaCheckpoint.WEIGHTS));
    if (pretrained != null && !keepBase) {
      PretrainedCopy.into(pretrained, baseDir);
      Files.writeString(pretrainDone, "pretrained base from " + pretrained.toAbsolutePath() + "\n");
      keepBase = true;
    }
    int vocab = keepBase ? LlamaConfig.read(baseDir.resolve(LlamaCheckpoint.CONFIG)).vocabSize()
        : TokenizerTrainer.train(vocabTexts, baseDir.resolve(ModelFiles.TOKENIZER));

    try (Tokenizer tok = Tokenizer.load(baseDir.resolve(ModelFiles.TOKENIZER));
         NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      LlamaModel base;
      CausalLmTraining.Result preResult;
      if (keepBase) {
        base = LlamaCheckpoint.load(baseDir, manager);
        preResult = new CausalLmTraining.Result(0, 0, Float.NaN, Float.NaN, 0);
      } else {
        long bos = tok.id(TokenizerTrainer.BOS);
        long eos = tok.id(TokenizerTrainer.EOS);
        long pad = tok.id(TokenizerTrainer.PAD);
        LlamaConfig config = new LlamaConfig(vocab, p.hidden(), p.ffn(), p.layers(), p.heads(), p.kvHeads(), 1e-6,
            10000.0, p.maxLength(), true, (int) bos, (int) eos);
        Engine.getInstance().setRandomSeed((int) seed);
        base = new LlamaModel(config);
        base.initialize(manager);
        List<long[]> pre = pretrainTexts.stream().map(t -> ModelFiles.ids(tok, t, bos, eos)).toList();
        listener.plan("pre-train base", pre.size(), pre.stream().mapToLong(x -> Math.min(x.length, p.maxLength())).sum(),
            p.pretrainEpochs());
        listener.phase("pre-train base", steps(pre.size(), p.batchSize(), p.pretrainEpochs()));
        preResult = CausalLmTraining.train(base, pre, pad,
            new CausalLmTraining.Options(p.pretrainEpochs(), p.batchSize(), p.pretrainLr(), p.maxLength(), seed),
            (s, t, l, n) -> listener.step(s, l, n));
        LlamaCheckpoint.save(base, baseDir);
        Files.writeString(pretrainDone, "base saved\n");
      }
      CausalLmTraining.Result ftResult;
      if (resume && Files.exists(fineTuneDone)
          && Files.exists(out.resolve(ReleaseLayout.ADAPTER).resolve(LoraAdapter.WEIGHTS))) {
        ftResult = new CausalLmTraining.Result(0, 0, Float.NaN, Float.NaN, 0);
      } else {
        ftResult = fineTune(baseDir, tok, manager, fineTune, p, seed, out.resolve(ReleaseLayout.ADAPTER), listener);
        Files.writeString(fineTuneDone, "adapter saved\n");
      }
      SasRecTraining.Result seq = null;
      if (!(resume && Files.exists(sequentialDone) && Files.exists(out.resolve(ReleaseLayout.SASREC)))) {
        seq = trainSequential(d, train, valid, p, seed, out, listener);
        Files.writeString(sequentialDone, "sequential model saved\n");
      }
      long params = base.parametersByName().values().stream().mapToLong(x -> x.getArray().size()).sum();
      return new Summary(vocab, params, preResult, ftResult, fineTune.size(), seq,
          pretrained != null ? pretrained.toAbsolutePath().toString() : null);
    }
  }

  /**
   * Phase 4: SASRec on the training split's events ({@link dev.recsys.trainer.split.TrainingEvents}, as
   * catalogue rows), early-stopped on its half of the
   * validation samples ({@link ValidationHalves}).
   */
  public static SasRecTraining.Result trainSequential(Dataset d, List<Sample> train, List<Sample> valid, Profile p,
      long seed, Path out, Listener listener) throws IOException {
    Catalogue catalogue = ReleaseBuilder.catalogue(d, train);
    SasRecConfig config = new SasRecConfig(catalogue.size(), Splitter.WINDOW, p.sasrecHidden(), 2, 1, 0.2);
    listener.phase("train SASRec (epochs, early-stopped)", p.sasrecEpochs());
    return SasRecTraining.train(config, SequentialExamples.training(train, catalogue),
        SequentialExamples.of(ValidationHalves.forSequentialModel(valid), catalogue),
        SasRecTraining.Options.standard(p.sasrecEpochs(), seed), catalogue.items().stream().map(Item::id).toList(),
        out.resolve(ReleaseLayout.SASREC), (epoch, loss, ndcg, best) -> listener.step(epoch, loss, 0));
  }

  /** Phase 3 alone: a LoRA adapter on the saved base, trained on {@code samples}, saved to {@code adapterDir}. */
  static CausalLmTraining.Result fineTune(Path baseDir, Tokenizer tok, NDManager manager, List<InstructionSample> samples,
      Profile p, long seed, Path adapterDir, Listener listener) throws IOException {
    LlamaModel tuned = LlamaCheckpoint.load(baseDir, manager, LoraConfig.bigrec());
    tuned.freezeBase();
    LoraData data = LoraData.of(tok, tuned.config(), samples, p, seed);
    listener.plan("fine-tune LoRA", data.sequences().size(), data.sequences().stream()
        .mapToLong(x -> Math.min(x.length, data.options().maxLength())).sum(), p.fineTuneEpochs());
    listener.phase("fine-tune LoRA", steps(data.sequences().size(), p.batchSize(), p.fineTuneEpochs()));
    CausalLmTraining.Result result = CausalLmTraining.train(tuned, data.sequences(), data.pad(), data.options(),
        (s, t, l, n) -> listener.step(s, l, n));
    LoraAdapter.save(tuned, adapterDir, ReleaseLayout.BASE);
    return result;
  }

  /**
   * What the LoRA phase trains on: each sample's token ids (with the base's bos/eos), the padding
   * id (masked out of the loss) and the options. The trainer and the LoRA peer bench both use it.
   */
  public record LoraData(List<long[]> sequences, long pad, CausalLmTraining.Options options) {
    public static LoraData of(Tokenizer tok, LlamaConfig c, List<InstructionSample> samples, Profile p, long seed) {
      // the base's own special tokens: the trainer's for a base built here, a pretrained model's otherwise
      long bos = c.bosTokenId();
      long eos = c.eosTokenId();
      long padId = tok.id(TokenizerTrainer.PAD);
      long pad = padId >= 0 ? padId : eos;
      List<long[]> ft = samples.stream().map(s -> ModelFiles.ids(tok, s.text(), bos, eos)).toList();
      // a base built here has positions for the profile's length; a pretrained one for its context,
      // so its (longer, byte-level BPE) samples are not cut before their responses
      int maxLength = Math.max(p.maxLength(), Math.min(c.maxPositionEmbeddings(),
          ft.stream().mapToInt(x -> x.length).max().orElse(0)));
      return new LoraData(ft, pad,
          new CausalLmTraining.Options(p.fineTuneEpochs(), p.batchSize(), p.loraLr(), maxLength, seed + 2));
    }
  }

  /**
   * Fine-tunes an adapter with {@code n} next-item samples (plus auxiliary ones) on the base of
   * {@code runDir}: one point of BIGRec's few-shot curve.
   */
  public static CausalLmTraining.Result fineTuneOnly(Dataset d, List<Sample> train, Profile p, long seed, Path runDir,
      int n, Path adapterDir, Listener listener) throws IOException {
    List<InstructionSample> samples = new SampleBuilder(d.prompts(), d.titles())
        .build(train, n, p.auxRatio(), seed + 1);
    try (Tokenizer tok = Tokenizer.load(runDir.resolve(ReleaseLayout.BASE).resolve(ModelFiles.TOKENIZER));
         NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      return fineTune(runDir.resolve(ReleaseLayout.BASE), tok, manager, samples, p, seed, adapterDir, listener);
    }
  }


  private static int steps(int n, int batch, int epochs) {
    return (n + batch - 1) / batch * epochs;
  }
}
