package dev.recsys.ranking.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.interactions.Transition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MixtureSignalTest {
  final Catalogue catalogue = new Catalogue(List.of(new Item("a", "A", 0.1), new Item("b", "B", 0.2),
      new Item("c", "C", 0.3), new Item("d", "D", 1.0)));
  final TransitionModel transitions = new TransitionModel(catalogue, List.of(new Transition("a", "b", 1)));

  /** Test double of SASRec: fixed logits, SASRec's log-softmax (the real model is tested in SasRecFileTest). */
  static final ItemSignal LOGITS = new ItemSignal() {
    @Override
    public String name() {
      return "sasrec";
    }

    @Override
    public float[] scores(int[] historyRows) {
      return new float[] {5f, 0f, 1f, 2f};
    }

    @Override
    public double[] logProbabilities(float[] scores, Set<Integer> excludedRows, int[] rows) {
      return ItemSignal.logSoftmax(scores, excludedRows, rows);
    }
  };

  static double softmax(int row, int... unseen) {
    float[] l = LOGITS.scores(null);
    double z = 0;
    for (int r : unseen) {
      z += Math.exp(l[r]);
    }
    return Math.exp(l[row]) / z;
  }

  @Test
  void interpolatesSasRecsSoftmaxOverUnseenItemsWithTheTransitionsDistribution() {
    float[] s = new MixtureSignal(LOGITS, new TransitionSignal(transitions), 0.25).scores(new int[] {0}); // history: a
    assertThat(s[0]).isZero();
    assertThat((double) s[1]).isCloseTo(0.25 * softmax(1, 1, 2, 3) + 0.75, within(1e-6)); // a -> b always
    assertThat((double) s[2]).isCloseTo(0.25 * softmax(2, 1, 2, 3), within(1e-6));
    assertThat((double) (s[1] + s[2] + s[3])).isCloseTo(1, within(1e-6));
  }

  @Test
  void noRecordedSuccessor_sasRecAlone() {
    float[] s = new MixtureSignal(LOGITS, new TransitionSignal(transitions), 0.25).scores(new int[] {3}); // d has no successors
    assertThat((double) s[0]).isCloseTo(softmax(0, 0, 1, 2), within(1e-6));
    assertThat(s[3]).isZero();
  }

  @Test
  void nameCarriesTheWeights_andResolvesFromTheReleasesSignals() {
    Map<String, ItemSignal> release = Map.of("sasrec", LOGITS, "transitions", new TransitionSignal(transitions));
    String name = MixtureSignal.name(0.3);
    assertThat(name).isEqualTo("mix(sasrec=0.3,transitions=0.7)");
    ItemSignal m = MixtureSignal.resolve(name, release::get);
    assertThat(m.name()).isEqualTo(name);
    assertThat(((MixtureSignal) m).alpha()).isEqualTo(0.3);
    assertThat(MixtureSignal.resolve("sasrec", release::get)).isNull();
  }

  @Test
  void malformedNamesAndMissingComponentsAreRefusedSayingWhatToWrite() {
    Map<String, ItemSignal> release = Map.of("sasrec", LOGITS, "transitions", new TransitionSignal(transitions));
    assertThatThrownBy(() -> MixtureSignal.resolve("mix(sasrec=0.3)", release::get))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mix(transitions=0.7,similar=0.3)");
    assertThatThrownBy(() -> MixtureSignal.resolve("mix(sasrec=0.3,transitions=0.9)", release::get))
        .hasMessageContaining("sum to 1.2, not 1");
    assertThatThrownBy(() -> MixtureSignal.resolve("mix(sasrec=0.3,transitions=0.7)",
        Map.<String, ItemSignal>of("transitions", new TransitionSignal(transitions))::get))
        .hasMessageContaining("needs sasrec, which this release lacks");
    assertThatThrownBy(() -> new MixtureSignal(LOGITS, new TransitionSignal(transitions), 1.5)).hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> MixtureSignal.weightsOf("mix(transitions=0.5,sasrec=0.5)")) // out of order
        .hasMessageContaining("in that order");
    assertThatThrownBy(() -> MixtureSignal.weightsOf("mix(sasrec=0.5,sasrec=0.5)")).hasMessageContaining("'sasrec=0.5'");
    assertThatThrownBy(() -> MixtureSignal.weightsOf("mix(sasrec=0.5,knn=0.5)")).hasMessageContaining("'knn=0.5'");
    assertThatThrownBy(() -> MixtureSignal.weightsOf("mix(sasrec=NaN,transitions=0.5)")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> MixtureSignal.weightsOf("mix(sasrec=1)")).hasMessageContaining("has one component");
  }

  /** Test double of the similarity signal: all its mass on c (the real one is tested in SimilarItemsSignalTest). */
  static final ItemSignal ON_C = new ItemSignal() {
    @Override
    public String name() {
      return "similar";
    }

    @Override
    public float[] scores(int[] historyRows) {
      return new float[] {0f, 0f, 1f, 0f};
    }

    @Override
    public float[] distribution(int[] historyRows) {
      return scores(historyRows);
    }
  };

  @Test
  void threeComponents_weightedByTheirNamesWeights_andOneWithoutMassDropsOut() {
    Map<String, ItemSignal> release = Map.of("sasrec", LOGITS, "transitions", new TransitionSignal(transitions),
        "similar", ON_C);
    ItemSignal m = MixtureSignal.resolve("mix(sasrec=0.2,transitions=0.5,similar=0.3)", release::get);
    assertThat(m.name()).isEqualTo("mix(sasrec=0.2,transitions=0.5,similar=0.3)");
    float[] s = m.scores(new int[] {0}); // history a: a -> b always
    assertThat((double) s[1]).isCloseTo(0.2 * softmax(1, 1, 2, 3) + 0.5, within(1e-6));
    assertThat((double) s[2]).isCloseTo(0.2 * softmax(2, 1, 2, 3) + 0.3, within(1e-6));
    float[] noCounts = m.scores(new int[] {3}); // d has no successors: SASRec 0.4, similarity 0.6
    assertThat((double) noCounts[2]).isCloseTo(0.4 * softmax(2, 0, 1, 2) + 0.6, within(1e-6));
    assertThat(MixtureSignal.mixes(m.name(), "similar")).isTrue();
    assertThat(MixtureSignal.mixes("mix(sasrec=0.3,transitions=0.7)", "similar")).isFalse();
    assertThat(MixtureSignal.name(Map.of("transitions", 0.7, "similar", 0.3, "sasrec", 0.0)))
        .isEqualTo("mix(transitions=0.7,similar=0.3)");
  }
}
