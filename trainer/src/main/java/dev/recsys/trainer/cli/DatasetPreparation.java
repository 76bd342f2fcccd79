package dev.recsys.trainer.cli;

import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.DatasetFiles;
import dev.recsys.trainer.split.SplitFiles;
import dev.recsys.trainer.split.Splits;
import dev.recsys.trainer.split.Splitter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Writes a dataset folder with both split protocols and prints a summary table. */
final class DatasetPreparation {
  private DatasetPreparation() {}

  static void writeAll(Dataset d, String source, Path out, PrintWriter log) throws IOException {
    writeAll(d, source, out, log, Splitter.TieOrder.ITEM_ID, 0);
  }

  /**
   * @param trainTies how the BIGRec split's training samples order interactions of the same
   *                  second (validation and test keep the dataset's order); recorded in dataset.json
   */
  static void writeAll(Dataset d, String source, Path out, PrintWriter log, Splitter.TieOrder trainTies, long seed)
      throws IOException {
    DatasetFiles.write(d, source, out, java.util.Map.of("bigrecTrainTies",
        trainTies == Splitter.TieOrder.SHUFFLED ? "shuffled (seed " + seed + ")" : "item id"));
    Splits bigrec = Splitter.bigrec(d, trainTies, seed);
    Splits loo = Splitter.leaveOneOut(d);
    SplitFiles.write(bigrec, out);
    SplitFiles.write(loo, out);
    log.printf("dataset %s -> %s%n", d.name(), out);
    log.printf("  %d items, %d users, %d interactions%n", d.titles().size(), d.sequences().size(), d.interactions().size());
    log.printf("  %-8s %8s %8s %8s%n", "protocol", "train", "valid", "test");
    for (Splits s : new Splits[] {bigrec, loo}) {
      log.printf("  %-8s %8d %8d %8d%n", s.protocol(), s.train().size(), s.valid().size(), s.test().size());
    }
    log.flush();
  }

  /** Writes a dataset whose source came with its own split ({@code protocol} says which), as the bigrec protocol. */
  static void writeGiven(Dataset d, String source, Path out, Splits splits, String protocol, PrintWriter log)
      throws IOException {
    DatasetFiles.write(d, source, out, java.util.Map.of("bigrecSplit", protocol));
    SplitFiles.write(splits, out);
    log.printf("dataset %s -> %s%n", d.name(), out);
    log.printf("  %d items, %d samples; split: %s%n", d.titles().size(), splits.train().size() + splits.valid().size()
        + splits.test().size(), protocol);
    log.printf("  %-8s %8s %8s %8s%n", "protocol", "train", "valid", "test");
    log.printf("  %-8s %8d %8d %8d%n", splits.protocol(), splits.train().size(), splits.valid().size(),
        splits.test().size());
    log.flush();
  }
}
