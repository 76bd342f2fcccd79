package dev.recsys.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.recsys.ranking.pipeline.ServingPipeline.Kind;
import dev.recsys.trainer.bigrec.Profile;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.DatasetFiles;
import dev.recsys.trainer.eval.EvalReport;
import dev.recsys.trainer.eval.Evaluation;
import dev.recsys.trainer.eval.RunServing;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.SplitFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Chooses the run's serving pipeline on validation and measures it on test, ranking every sample "
        + "through the served path (the generator's decoding, then the grounding service's ranking, history "
        + "excluded): NDCG and HR at 1, 3, 5, 10, 20 next to popularity, transitions and SASRec, on all test samples "
        + "and on those whose target is strictly later than the last history item. Writes <run>/serving/ (the "
        + "catalogue embedded by the base model and its HNSW index, shipped by 'publish'), <run>/eval.json and "
        + "<run>/eval.md, and prints the tables.")
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dataset", required = true, description = "dataset folder")
  Path dataset;

  @Option(names = "--run", required = true, description = "run folder written by 'train'")
  Path run;

  @Option(names = "--protocol", defaultValue = "bigrec", description = "bigrec or loo (default ${DEFAULT-VALUE})")
  String protocol;

  @Option(names = "--profile", defaultValue = "default", description = "quick or default: sample counts")
  String profile;

  @Option(names = "--test-samples", description = "test samples (overrides the profile)")
  Integer testSamples;

  @Option(names = "--valid-samples", description = "validation samples the pipelines are compared on (overrides the "
      + "profile)")
  Integer validSamples;

  @Option(names = "--threads", defaultValue = "2", description = "generations run at once (default ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--families", split = ",", defaultValue = "bigrec,bigrec-union,d3,llm-rerank",
      description = "LLM pipeline families tried on validation (default ${DEFAULT-VALUE}; the rankings without the "
          + "LLM always are): with a 135M-parameter base each costs seconds per sample, llm-rerank the least")
  List<String> families;

  @Option(names = "--rerank-sources", split = ",", defaultValue = "sasrec,transitions,mix",
      description = "whose top items the llm-rerank family ranks (default ${DEFAULT-VALUE}; mix: the best mixture "
          + "of signals): each costs one LLM likelihood pass per sample")
  List<String> rerankSources;

  @Override
  public Integer call() throws Exception {
    Set<Kind> tried = families();
    for (String s : rerankSources) {
      if (!Evaluation.RERANK_SOURCE_NAMES.contains(s.strip())) {
        throw new ParameterException(spec.commandLine(), "--rerank-sources: '" + s + "' is not one of "
            + Evaluation.RERANK_SOURCE_NAMES);
      }
    }
    Profile p = profile(spec, profile);
    Dataset d = DatasetFiles.read(dataset);
    List<Sample> train = SplitFiles.read(dataset, protocol, "train");
    List<Sample> valid = SplitFiles.read(dataset, protocol, "valid");
    List<Sample> test = SplitFiles.read(dataset, protocol, "test");
    Evaluation.Options o = new Evaluation.Options(validSamples != null ? validSamples : p.validSamples(),
        testSamples != null ? testSamples : p.evalSamples(), seed, threads, p.maxNewTokens(), tried,
        Set.copyOf(rerankSources.stream().map(String::strip).toList()));
    EvalReport report;
    Bars bars = new Bars();
    try (RunServing serving = open(d, train)) {
      report = new Evaluation(serving, o).run(protocol, valid, test, bars);
    } finally {
      bars.close();
    }
    String md = report.markdown();
    Files.writeString(run.resolve("eval.md"), md);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(run.resolve(EvalReport.FILE_NAME).toFile(),
        report);
    spec.commandLine().getOut().print(md);
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** The named profile, or a usage error naming the known ones. */
  static Profile profile(CommandSpec spec, String name) {
    try {
      return Profile.named(name);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--profile: " + e.getMessage());
    }
  }

  private Set<Kind> families() {
    Set<Kind> out = EnumSet.noneOf(Kind.class);
    for (String f : families) {
      Kind k;
      try {
        k = Kind.of(f.strip());
      } catch (IllegalArgumentException e) {
        k = null;
      }
      if (k == null || !Evaluation.LLM_FAMILIES.contains(k)) {
        throw new ParameterException(spec.commandLine(), "--families: '" + f + "' is not one of "
            + Evaluation.LLM_FAMILIES.stream().map(Kind::label).toList());
      }
      out.add(k);
    }
    return out;
  }

  private RunServing open(Dataset d, List<Sample> train) throws Exception {
    try (ProgressBar bar = ProgressBars.console("embed the catalogue (base model)", d.titles().size())) {
      return RunServing.open(d, train, run, bar::stepTo);
    }
  }

  /** One progress bar per generation phase. */
  static final class Bars implements Evaluation.Listener, AutoCloseable {
    private ProgressBar bar;

    @Override
    public synchronized void phase(String name, int total) {
      close();
      bar = ProgressBars.console(name, total);
    }

    @Override
    public synchronized void step(int done) {
      if (bar != null) {
        bar.stepTo(done);
      }
    }

    @Override
    public synchronized void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
