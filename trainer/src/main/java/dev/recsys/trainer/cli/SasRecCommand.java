package dev.recsys.trainer.cli;

import dev.recsys.common.artifact.ReleaseLayout;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.sequential.SasRecConfig;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.DatasetFiles;
import dev.recsys.trainer.publish.ReleaseBuilder;
import dev.recsys.trainer.sequential.SasRecTraining;
import dev.recsys.trainer.sequential.SequentialExamples;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.SplitFiles;
import dev.recsys.trainer.split.ValidationHalves;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sasrec", mixinStandardHelpOptions = true,
    description = "Trains the sequential recommender (SASRec) alone on a dataset's training split, early-stopped on "
        + "validation NDCG@10; writes <out>/" + ReleaseLayout.SASREC + " and <out>/sasrec.json and prints the "
        + "full-catalogue NDCG@10 on validation and test. ('train' runs the same phase as part of a run.)")
final class SasRecCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dataset", required = true, description = "dataset folder written by 'import' or 'synthetic'")
  Path dataset;

  @Option(names = "--out", required = true, description = "folder to write the model into")
  Path out;

  @Option(names = "--protocol", defaultValue = "bigrec", description = "split (default ${DEFAULT-VALUE})")
  String protocol;

  @Option(names = "--max-epochs", defaultValue = "200", description = "epochs at most (default ${DEFAULT-VALUE})")
  int maxEpochs;

  @Option(names = "--hidden", defaultValue = "64", description = "embedding width d (default ${DEFAULT-VALUE})")
  int hidden;

  @Option(names = "--blocks", defaultValue = "2", description = "self-attention blocks (default ${DEFAULT-VALUE})")
  int blocks;

  @Option(names = "--dropout", defaultValue = "0.2", description = "dropout rate (default ${DEFAULT-VALUE})")
  double dropout;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE})")
  float lr;

  @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--objective", defaultValue = "last", description = "what each training example teaches: last "
      + "(its window's last slot predicts its target) or every-position (every slot predicts what followed it, as "
      + "the paper trains); default ${DEFAULT-VALUE}")
  String objective;

  @Override
  public Integer call() throws Exception {
    SasRecTraining.Objective objective = objective(); // a usage error before any work
    Dataset d = DatasetFiles.read(dataset);
    List<Sample> train = SplitFiles.read(dataset, protocol, "train");
    Catalogue catalogue = ReleaseBuilder.catalogue(d, train);
    List<String> ids = catalogue.items().stream().map(Item::id).toList();
    var trainEx = SequentialExamples.training(train, catalogue);
    var validEx = SequentialExamples.of(ValidationHalves.forSequentialModel(SplitFiles.read(dataset, protocol, "valid")),
        catalogue);
    List<Sample> test = SplitFiles.read(dataset, protocol, "test");
    var testEx = SequentialExamples.of(test, catalogue);
    var laterEx = SequentialExamples.of(test.stream().filter(Sample::strictlyLater).toList(), catalogue);
    SasRecConfig config = new SasRecConfig(catalogue.size(), 10, hidden, blocks, 1, dropout);
    Files.createDirectories(out);
    Path file = out.resolve(ReleaseLayout.SASREC);
    var o = spec.commandLine().getOut();
    SasRecTraining.Result r = SasRecTraining.train(config, trainEx, validEx,
        new SasRecTraining.Options(maxEpochs, 5, 128, lr, seed, objective), ids, file,
        (epoch, loss, ndcg, best) -> {
          o.printf(Locale.ROOT, "epoch %3d  loss %.4f  valid NDCG@10 %.4f%s%n", epoch, loss, ndcg, best ? "  (best)" : "");
          o.flush();
        });
    double whole;
    double later;
    try (SasRec model = SasRec.load(file, ids)) {
      whole = SasRecTraining.validNdcg10(model, testEx);
      later = laterEx.isEmpty() ? Double.NaN : SasRecTraining.validNdcg10(model, laterEx);
    }
    o.printf(Locale.ROOT, "SASRec: best epoch %d of %d, valid NDCG@10 %.4f; test NDCG@10 %.4f (%d samples), on "
        + "targets strictly later than the last history item %.4f (%d samples); %.0f s%n", r.bestEpoch(), r.epochs(),
        r.bestValidNdcg10(), whole, testEx.size(), later, laterEx.size(), r.seconds());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("sasrec.json").toFile(),
        Map.of("config", config, "objective", objective.label(), "result", r, "testNdcg10", whole, "testStrictlyLaterNdcg10", later));
    return 0;
  }

  private SasRecTraining.Objective objective() {
    try {
      return SasRecTraining.Objective.of(objective);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--objective: " + e.getMessage());
    }
  }
}
