package dev.recsys.llm;

import java.util.List;
import java.util.function.Predicate;

/**
 * Work that joins a running batch between two of its decoding steps (continuous batching): the
 * batch says what it can take, the source hands over what fits. One interface for every layer —
 * the generator's queue (waiting requests), {@link TitleGenerator} (asks) and {@link Decoding}
 * (beam searches).
 */
@FunctionalInterface
public interface Arrivals<T> {
  /**
   * @param fits whether an item can join the batch now
   * @return the items that join now, possibly none; the batch gives them the next indexes, in this order
   */
  List<T> take(Predicate<? super T> fits);

  /** Nothing ever joins. */
  static <T> Arrivals<T> none() {
    return fits -> List.of();
  }
}
