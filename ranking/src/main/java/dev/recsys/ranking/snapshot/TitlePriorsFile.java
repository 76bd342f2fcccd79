package dev.recsys.ranking.snapshot;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.io.TsvReader;
import dev.recsys.common.io.TsvWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * The fine-tuned LLM's log-probability of every catalogue title after the recommendation prompt
 * with no history ({@code llm-title-prior.tsv}: UTF-8 TSV, header {@code item_id log_prob}, one row
 * per catalogue item). The trainer computes it once per run (evaluation ranks with it) and the
 * release ships it, so the generator ranks candidates with exactly the numbers evaluation used,
 * without running the LLM over the whole catalogue when a release loads.
 */
public final class TitlePriorsFile {
  static final String HEADER = "item_id\tlog_prob";

  private TitlePriorsFile() {}

  /** Writes {@code logProbs[row]} for every catalogue row (exact decimal round trip). */
  public static void write(Path file, Catalogue catalogue, double[] logProbs) throws IOException {
    if (logProbs.length != catalogue.size()) {
      throw new IllegalArgumentException(logProbs.length + " priors for " + catalogue.size() + " items");
    }
    TsvWriter.write(file, HEADER, IntStream.range(0, logProbs.length).boxed().toList(),
        r -> new String[] {catalogue.get(r).id(), Double.toString(logProbs[r])});
  }

  /**
   * The prior of every catalogue row.
   *
   * @throws ArtifactException naming the file (and line) when an item is unknown, repeated or
   *     missing, or a value is not a finite log-probability (&lt;= 0)
   */
  public static double[] read(Path file, Catalogue catalogue) {
    double[] out = new double[catalogue.size()];
    boolean[] seen = new boolean[out.length];
    TsvReader.read(file, HEADER, f -> {
      int row = catalogue.indexOf(f[0]);
      if (row < 0) {
        throw new IllegalArgumentException("item '" + f[0] + "' is not in the release's catalogue");
      }
      if (seen[row]) {
        throw new IllegalArgumentException("item '" + f[0] + "' appears twice");
      }
      double v;
      try {
        v = Double.parseDouble(f[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("log_prob '" + f[1] + "' is not a number");
      }
      if (!Double.isFinite(v) || v > 0) {
        throw new IllegalArgumentException("log_prob must be a finite log-probability (<= 0), got " + f[1]);
      }
      seen[row] = true;
      out[row] = v;
    });
    for (int r = 0; r < seen.length; r++) {
      if (!seen[r]) {
        throw new ArtifactException(file, "no prior for item '" + catalogue.get(r).id() + "' of the catalogue");
      }
    }
    return out;
  }
}
