package dev.recsys.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.interactions.Transition;
import dev.recsys.ranking.signal.ItemSignal;
import dev.recsys.ranking.signal.TransitionSignal;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemoTest {
  final Catalogue catalogue = new Catalogue(List.of(new Item("a", "A", 0.1), new Item("b", "B", 0.2),
      new Item("c", "C", 0.3)));

  @Test
  void aMemoisedSignalAnswersAsTheSignalDoes_itsDistributionAndLogProbabilitiesToo() {
    ItemSignal logits = new ItemSignal() {
      @Override
      public String name() {
        return "sasrec";
      }

      @Override
      public float[] scores(int[] historyRows) {
        return new float[] {1f, -2f, 3f};
      }

      @Override
      public double[] logProbabilities(float[] scores, Set<Integer> excludedRows, int[] rows) {
        return ItemSignal.logSoftmax(scores, excludedRows, rows);
      }
    };
    ItemSignal counts = new TransitionSignal(new TransitionModel(catalogue, List.of(new Transition("a", "b", 1))));
    int[] history = {0};
    for (ItemSignal s : List.of(logits, counts)) {
      ItemSignal memo = Memo.signal(s);
      assertThat(memo.scores(history)).containsExactly(s.scores(history));
      assertThat(memo.distribution(history)).containsExactly(s.distribution(history));
      assertThat(memo.distribution(history)).containsExactly(s.distribution(history)); // from the cache
      float[] scores = s.scores(history);
      assertThat(memo.logProbabilities(scores, Set.of(0), new int[] {1, 2}))
          .containsExactly(s.logProbabilities(scores, Set.of(0), new int[] {1, 2}));
    }
    assertThat(Memo.signal(counts).distribution(history)).containsExactly(0f, 1f, 0f);
  }
}
