package dev.recsys.trainer.cli;

import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.GenericReader;
import dev.recsys.llm.Prompts;
import dev.recsys.trainer.data.MiniOneRecReader;
import dev.recsys.trainer.data.MovieLensReader;
import dev.recsys.trainer.split.Splitter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Imports MovieLens-format, generic (CSV/JSONL) or MiniOneRec-layout data into a dataset folder with "
        + "BIGRec (time split 80/10/10) and leave-one-out splits (MiniOneRec: its own split, see --valid-rows). The "
        + "prompts' words (--noun, --plural, --verb) are kept in the dataset's metadata.")
final class ImportCommand implements Callable<Integer> {
  enum Format { movielens, generic, minionerec }

  @Spec CommandSpec spec;

  @Option(names = "--format", required = true, description = "movielens, generic or minionerec")
  Format format;

  @Option(names = "--input", description = "movielens: folder with u.item and u.data; minionerec: folder with "
      + "item.json, valid.csv and test.csv")
  Path input;

  @Option(names = "--valid-rows", defaultValue = "500", description = "minionerec: the last rows of valid.csv held out "
      + "for validation; the rows before them train (default ${DEFAULT-VALUE})")
  int validRows;

  @Option(names = "--noun", description = "the prompts' singular noun (movielens: movie; others: item)")
  String noun;

  @Option(names = "--plural", description = "the prompts' plural noun (default: the noun + s)")
  String plural;

  @Option(names = "--verb", description = "what users did, as in 'The user has <verb> the following ...' (movielens: "
      + "watched; others: interacted with)")
  String verb;

  @Option(names = "--items", description = "generic: items file (.csv or .jsonl) with columns item,title")
  Path items;

  @Option(names = "--interactions", description = "generic: interactions file (.csv or .jsonl) with columns user,item,timestamp")
  Path interactions;

  @Option(names = "--name", description = "dataset name (default: the input folder's or items file's name)")
  String name;

  @Option(names = "--out", required = true, description = "dataset folder to write")
  Path out;

  @Option(names = "--train-ties", defaultValue = "shuffled", description = "how the BIGRec split's training samples "
      + "order interactions with the same timestamp: shuffled (a seeded random order: the true order inside a second is "
      + "unknown, and models trained so predict strictly later targets 12-13%% better on MovieLens-100K, README) or "
      + "item-id (the dataset's tie-break); validation and test always keep the dataset's order (default "
      + "${DEFAULT-VALUE})")
  String trainTies;

  @Option(names = "--seed", defaultValue = "0", description = "seed of --train-ties shuffled (default ${DEFAULT-VALUE})")
  long seed;

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
    } else if (format == Format.minionerec) {
      if (input == null) {
        throw new ParameterException(spec.commandLine(), "--format minionerec needs --input <folder with item.json, "
            + "valid.csv and test.csv>");
      }
      MiniOneRecReader.Result r = MiniOneRecReader.read(input, name != null ? name : input.getFileName().toString(),
          prompts(Prompts.items()), validRows);
      DatasetPreparation.writeGiven(r.dataset(), "minionerec:" + input.toAbsolutePath(), out, r.splits(),
          "MiniOneRec's rows in time order: valid.csv without its last " + validRows + " rows (train), those rows "
              + "(valid), test.csv (test)", spec.commandLine().getOut());
      return 0;
    } else {
      if (items == null || interactions == null) {
        throw new ParameterException(spec.commandLine(), "--format generic needs --items and --interactions");
      }
      d = GenericReader.read(items, interactions, name != null ? name : items.getFileName().toString());
      source = "generic:" + items.toAbsolutePath() + "," + interactions.toAbsolutePath();
    }
    Splitter.TieOrder ties = switch (trainTies) {
      case "item-id" -> Splitter.TieOrder.ITEM_ID;
      case "shuffled" -> Splitter.TieOrder.SHUFFLED;
      default -> throw new ParameterException(spec.commandLine(), "--train-ties must be item-id or shuffled, got '"
          + trainTies + "'");
    };
    DatasetPreparation.writeAll(d.withPrompts(prompts(d.prompts())), source, out, spec.commandLine().getOut(), ties,
        seed);
    return 0;
  }

  /** The format's words, with those given on the command line instead. */
  private Prompts prompts(Prompts defaults) {
    String n = noun != null ? noun : defaults.noun();
    String p = plural != null ? plural : noun != null ? noun + "s" : defaults.plural();
    return new Prompts(n, p, verb != null ? verb : defaults.verb());
  }
}
