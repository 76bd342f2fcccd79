package dev.recsys.cli;

import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendedItem;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints a Recommend response as a readable table. */
final class ResultTable {
  private ResultTable() {}

  static void print(PrintWriter out, RecommendResponse r, String highlightItemId, long micros) {
    out.printf(Locale.ROOT, "  %-4s %-8s %-58s %7s%n", "rank", "item", "title", "score");
    for (RecommendedItem i : r.getItemsList()) {
      String mark = i.getItemId().equals(highlightItemId) ? "  <- next item in the data" : "";
      out.printf(Locale.ROOT, "  %-4d %-8s %-58s %7.4f%s%n", i.getRank(), i.getItemId(), fit(i.getTitle(), 58),
          i.getScore() + 0.0, mark); // + 0.0: a -0.0 score prints as 0.0000
    }
    var s = r.getServedBy();
    out.printf(Locale.ROOT, "  served by: pipeline=%s generator=%s adapter=%s snapshot=%s encoder=%s (%.1f ms)%n",
        blank(s.getPipeline()), s.getGeneratorBackend(), blank(s.getAdapterVersion()), blank(s.getSnapshotVersion()),
        blank(s.getEncoder()), micros / 1000.0);
    if (r.getDegraded()) {
      out.println("  DEGRADED: " + r.getDegradedReason());
    }
    out.flush();
  }

  private static String fit(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 3) + "...";
  }

  private static String blank(String s) {
    return s.isEmpty() ? "-" : s;
  }
}
