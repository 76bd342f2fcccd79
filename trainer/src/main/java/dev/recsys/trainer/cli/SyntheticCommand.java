package dev.recsys.trainer.cli;

import dev.recsys.trainer.synthetic.SyntheticDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "synthetic", mixinStandardHelpOptions = true,
    description = "Writes a small synthetic dataset (genre-structured titles and sessions) for machines without real data.")
final class SyntheticCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--items", defaultValue = "300", description = "catalogue size (default ${DEFAULT-VALUE})")
  int items;

  @Option(names = "--users", defaultValue = "200", description = "number of users (default ${DEFAULT-VALUE})")
  int users;

  @Option(names = "--seed", defaultValue = "7", description = "random seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--out", required = true, description = "dataset folder to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    DatasetPreparation.writeAll(SyntheticDataset.generate(items, users, seed), "synthetic:seed=" + seed, out,
        spec.commandLine().getOut());
    return 0;
  }
}
