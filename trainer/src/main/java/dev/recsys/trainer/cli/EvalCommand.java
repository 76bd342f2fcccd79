package dev.recsys.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.recsys.common.encoder.MiniLmEncoder;
import dev.recsys.llm.LlmRecommender;
import dev.recsys.trainer.bigrec.OfflineEvaluation;
import dev.recsys.trainer.bigrec.Profile;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.DatasetFiles;
import dev.recsys.llm.Prompts;
import dev.recsys.trainer.split.SplitFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Full-catalogue evaluation (NDCG and HR at 1, 5, 10, 20) of a trained run against the popularity "
        + "baseline; gamma tuned on validation. Prints the table and writes <run>/eval.json and <run>/eval.md.")
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dataset", required = true, description = "dataset folder")
  Path dataset;

  @Option(names = "--run", required = true, description = "run folder written by 'train'")
  Path run;

  @Option(names = "--protocol", defaultValue = "bigrec", description = "bigrec or loo (default ${DEFAULT-VALUE})")
  String protocol;

  @Option(names = "--profile", defaultValue = "default", description = "quick or default: sample counts and beams")
  String profile;

  @Option(names = "--test-samples", description = "test samples (overrides the profile)")
  Integer testSamples;

  @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() throws Exception {
    Profile p = Profile.named(profile);
    int n = testSamples != null ? testSamples : p.evalSamples();
    Dataset d = DatasetFiles.read(dataset);
    var train = SplitFiles.read(dataset, protocol, "train");
    var valid = OfflineEvaluation.sample(SplitFiles.read(dataset, protocol, "valid"), Math.max(20, n / 4), seed);
    var test = OfflineEvaluation.sample(SplitFiles.read(dataset, protocol, "test"), n, seed + 1);
    OfflineEvaluation.Report report;
    try (LlmRecommender model = new LlmRecommender(run, Prompts.forDataset(d.name()), p.beams(), p.maxNewTokens());
         ProgressBar bar = new ProgressBarBuilder().setTaskName("generate + ground").setInitialMax(valid.size() + 2L * test.size())
             .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err)).build()) {
      report = new OfflineEvaluation(d, train, new MiniLmEncoder()).evaluate(model, protocol, valid, test, bar::stepTo);
    }
    String md = OfflineEvaluation.markdown(report);
    Files.writeString(run.resolve("eval.md"), md);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(run.resolve("eval.json").toFile(),
        OfflineEvaluation.json(report));
    spec.commandLine().getOut().print(md);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
