package dev.recsys.trainer.split;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * One next-item prediction sample.
 *
 * @param user              user id
 * @param history           up to 10 previous item ids, oldest first
 * @param target            the item that came next
 * @param timestamp         the target's timestamp (what the global time split sorts by)
 * @param previousTimestamp the timestamp of the last history item, or null when unknown (no
 *                          history, or a source without times)
 */
public record Sample(String user, List<String> history, String target, long timestamp, Long previousTimestamp) {
  /** A sample whose history's times are unknown. */
  public Sample(String user, List<String> history, String target, long timestamp) {
    this(user, history, target, timestamp, null);
  }

  /**
   * Whether the target is known to come strictly later than the last history item. MovieLens
   * saved ratings a page at a time: a target that shares its second with the last history item
   * is "next" only by the import's tie-break, not by time.
   */
  @JsonIgnore
  public boolean strictlyLater() {
    return previousTimestamp != null && timestamp > previousTimestamp;
  }
}
