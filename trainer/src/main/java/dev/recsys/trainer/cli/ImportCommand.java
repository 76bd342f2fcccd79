package dev.recsys.trainer.cli;

import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.GenericReader;
import dev.recsys.trainer.data.MovieLensReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Imports MovieLens-format or generic (CSV/JSONL) data into a dataset folder with BIGRec (time split "
        + "80/10/10) and leave-one-out splits.")
final class ImportCommand implements Callable<Integer> {
  enum Format { movielens, generic }

  @Spec CommandSpec spec;

  @Option(names = "--format", required = true, description = "movielens or generic")
  Format format;

  @Option(names = "--input", description = "movielens: folder with u.item and u.data")
  Path input;

  @Option(names = "--items", description = "generic: items file (.csv or .jsonl) with columns item,title")
  Path items;

  @Option(names = "--interactions", description = "generic: interactions file (.csv or .jsonl) with columns user,item,timestamp")
  Path interactions;

  @Option(names = "--name", description = "dataset name (default: the input folder's or items file's name)")
  String name;

  @Option(names = "--out", required = true, description = "dataset folder to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    Dataset d;
    String source;
    if (format == Format.movielens) {
      if (input == null) {
        throw new ParameterException(spec.commandLine(), "--format movielens needs --input <folder with u.item and u.data>");
      }
      d = MovieLensReader.read(input, name != null ? name : input.getFileName().toString());
      source = "movielens:" + input.toAbsolutePath();
    } else {
      if (items == null || interactions == null) {
        throw new ParameterException(spec.commandLine(), "--format generic needs --items and --interactions");
      }
      d = GenericReader.read(items, interactions, name != null ? name : items.getFileName().toString());
      source = "generic:" + items.toAbsolutePath() + "," + interactions.toAbsolutePath();
    }
    DatasetPreparation.writeAll(d, source, out, spec.commandLine().getOut());
    return 0;
  }
}
