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
    DatasetFiles.write(d, source, out);
    Splits bigrec = Splitter.bigrec(d);
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
}
