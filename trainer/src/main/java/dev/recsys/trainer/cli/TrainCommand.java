package dev.recsys.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.recsys.trainer.bigrec.Profile;
import dev.recsys.trainer.bigrec.TrainingRun;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.DatasetFiles;
import dev.recsys.trainer.split.SplitFiles;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Pre-trains a small Llama-architecture base on the catalogue and interaction texts, fine-tunes a "
        + "LoRA adapter on BIGRec samples (+ auxiliary tasks), and trains the sequential recommender (SASRec, "
        + "early-stopped on validation). Writes <out>/base (Hugging Face checkpoint + tokenizer), <out>/adapter (PEFT), "
        + "<out>/sasrec.safetensors and <out>/train.json.")
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dataset", required = true, description = "dataset folder written by 'import' or 'synthetic'")
  Path dataset;

  @Option(names = "--out", required = true, description = "run folder to write")
  Path out;

  @Option(names = "--profile", defaultValue = "default", description = "quick or default (a base built here), "
      + "pretrained-quick or pretrained-default (LoRA on --base) (default ${DEFAULT-VALUE})")
  String profile;

  @Option(names = "--protocol", defaultValue = "bigrec", description = "split whose train part is used (default ${DEFAULT-VALUE})")
  String protocol;

  @Option(names = "--samples", description = "LoRA fine-tuning samples (overrides the profile; BIGRec: 1024)")
  Integer samples;

  @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--resume", description = "keep the phases (base pre-training, LoRA fine-tuning) that an earlier "
      + "run into the same --out completed")
  boolean resume;

  @Option(names = "--base", description = "a pretrained Hugging Face checkpoint folder to fine-tune instead of "
      + "pre-training a base from scratch (e.g. what 'base' converts from SmolLM2-135M)")
  Path base;

  @Option(names = "--threads", description = "PyTorch threads for the training's matrix products (default: the "
      + "machine's cores; training is one loop, so it can use them all, unlike the services' concurrent calls)")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (n < 1) {
      throw new ParameterException(spec.commandLine(), "--threads must be at least 1, was " + n);
    }
    dev.recsys.llm.DjlDefaults.intraOpThreads(n); // before the engine starts: nothing has run it yet
    Profile p = EvalCommand.profile(spec, profile);
    if (p.forPretrainedBase() && base == null) {
      throw new ParameterException(spec.commandLine(), "--profile " + profile + " is sized for LoRA on a pretrained "
          + "base: give --base <folder> (what 'base' converts), or use --profile quick or default");
    }
    if (samples != null) {
      p = p.withFineTuneSamples(samples);
    }
    Dataset d = DatasetFiles.read(dataset);
    var train = SplitFiles.read(dataset, protocol, "train");
    var valid = SplitFiles.read(dataset, protocol, "valid");
    ProgressBar[] bar = new ProgressBar[1];
    long[] start = new long[1];
    long[] planned = new long[1];
    TrainingRun.Summary s = TrainingRun.run(d, train, valid, p, seed, out, new TrainingRun.Listener() {
      @Override
      public void phase(String name, int total) {
        if (bar[0] != null) {
          bar[0].close();
        }
        start[0] = System.nanoTime();
        bar[0] = ProgressBars.console(name, total);
      }

      @Override
      public void plan(String phase, int sequences, long tokensPerEpoch, int epochs) {
        planned[0] = tokensPerEpoch * epochs;
        System.err.printf(Locale.ROOT, "%s: %,d sequences, %,d tokens x %d epoch(s); the time it takes is printed "
            + "after its first step%n", phase, sequences, tokensPerEpoch, epochs);
      }

      @Override
      public void step(int step, float loss, long tokens) {
        double secs = (System.nanoTime() - start[0]) / 1e9;
        if (step == 1 && planned[0] > 0 && tokens > 0) {
          System.err.printf(Locale.ROOT, "%n  first step at %.0f tok/s: this phase takes about %.0f min%n",
              tokens / secs, planned[0] / (tokens / secs) / 60);
          planned[0] = 0;
        }
        bar[0].stepTo(step);
        bar[0].setExtraMessage(String.format(Locale.ROOT, "loss %.3f, %.0f tok/s", loss, tokens / secs));
      }
    }, resume, base);
    if (bar[0] != null) {
      bar[0].close();
    }
    // a resumed run keeps the first run's record: its kept phases report no steps here
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(
        out.resolve(resume ? "train-resumed.json" : "train.json").toFile(),
        java.util.Map.of("profile", p, "seed", seed, "summary", s));
    var log = spec.commandLine().getOut();
    log.printf(Locale.ROOT, "trained %s: vocab %d, base %.2fM parameters%n", out, s.vocab(), s.baseParams() / 1e6);
    if (s.pretrainedBase() != null && s.pretrain().steps() == 0) {
      log.println("  pre-training: none, the pretrained base from " + s.pretrainedBase());
    } else if (s.pretrain().steps() > 0) {
      log.printf(Locale.ROOT, "  pre-train loss %.3f -> %.3f (%.0f tok/s, %.0f s, %d steps skipped)%n",
          s.pretrain().firstLoss(), s.pretrain().lastEpochLoss(), s.pretrain().tokensPerSecond(),
          s.pretrain().seconds(), s.pretrain().skippedSteps());
    } else {
      log.println("  pre-training: kept from the earlier run (--resume)");
    }
    if (s.fineTune().steps() > 0) {
      log.printf(Locale.ROOT, "  LoRA on %d samples loss %.3f -> %.3f (%.0f tok/s, %.0f s)%n", s.fineTuneSamples(),
          s.fineTune().firstLoss(), s.fineTune().lastEpochLoss(), s.fineTune().tokensPerSecond(),
          s.fineTune().seconds());
    } else {
      log.println("  LoRA fine-tuning: kept from the earlier run (--resume)");
    }
    if (s.sequential() != null) {
      log.printf(Locale.ROOT, "  SASRec: best epoch %d of %d, validation NDCG@10 %.4f (%.0f s)%n",
          s.sequential().bestEpoch(), s.sequential().epochs(), s.sequential().bestValidNdcg10(),
          s.sequential().seconds());
    } else {
      log.println("  SASRec: kept from the earlier run (--resume)");
    }
    log.flush();
    return 0;
  }
}
