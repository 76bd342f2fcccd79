package dev.recsys.common.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.interactions.Transition;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransitionModelTest {
  // x is the most popular, z the least
  final Catalogue catalogue = new Catalogue(List.of(new Item("a", "A", 0.1), new Item("b", "B", 0.2),
      new Item("c", "C", 0.3), new Item("x", "X", 1.0), new Item("z", "Z", 0.0)));

  List<String> titles(TransitionModel m, List<String> history, int n) {
    return m.next(history, n).stream().map(s -> catalogue.get(s.row()).id()).toList();
  }

  @Test
  void proposesMostFrequentSuccessorsOfTheRecentItems_mostRecentWeighsMost() {
    TransitionModel m = new TransitionModel(catalogue, List.of(
        new Transition("a", "b", 5), new Transition("a", "c", 1), new Transition("c", "x", 1)));
    // history a, c: c is most recent (weight 1) -> x gets 1.0; a (weight 1/2) -> b 5/6 * 1/2
    assertThat(titles(m, List.of("a", "c"), 2)).containsExactly("x", "b");
  }

  @Test
  void neverProposesHistoryItems_andBacksOffToPopularity() {
    TransitionModel m = new TransitionModel(catalogue, List.of(new Transition("a", "b", 2), new Transition("a", "x", 1)));
    List<TransitionModel.Scored> r = m.next(List.of("c", "a"), 4);
    assertThat(r.stream().map(s -> catalogue.get(s.row()).id()).toList()).containsExactly("b", "x", "z");
    assertThat(r.get(0).score()).isEqualTo(1.0);
    assertThat(r.get(1).score()).isGreaterThanOrEqualTo(0.5);
    assertThat(r.get(2).score()).isLessThan(0.5);
  }

  @Test
  void unknownHistory_getsPopularItems() {
    TransitionModel m = new TransitionModel(catalogue, List.of());
    assertThat(titles(m, List.of("z"), 2)).containsExactly("x", "c");
  }

  @Test
  void probabilities_areTheWindowedSumsNormalised_zeroForHistoryAndUnreachedItems() {
    TransitionModel m = new TransitionModel(catalogue, List.of(
        new Transition("a", "b", 3), new Transition("a", "c", 1), new Transition("c", "x", 1)));
    // history a, c: x gets 1 (c, weight 1), b 3/4 * 1/2, a's successor c is in the history
    float[] p = m.probabilities(List.of("a", "c"));
    double total = 1 + 3.0 / 8;
    assertThat(p[catalogue.indexOf("x")]).isEqualTo((float) (1 / total));
    assertThat(p[catalogue.indexOf("b")]).isEqualTo((float) (3.0 / 8 / total));
    assertThat(p[catalogue.indexOf("c")]).isZero();
    assertThat(p[catalogue.indexOf("z")]).isZero();
    assertThat(m.probabilities(List.of("z"))).containsOnly(0f);
  }

  @Test
  void refusesTransitionsOutsideTheCatalogue() {
    assertThatThrownBy(() -> new TransitionModel(catalogue, List.of(new Transition("a", "nope", 1))))
        .hasMessageContaining("nope");
  }

  @Test
  void weightedPairs_scoreAsCountsDo() {
    TransitionModel counts = new TransitionModel(catalogue, List.of(new Transition("a", "b", 3), new Transition("a", "c", 1)));
    TransitionModel weighted = TransitionModel.weighted(catalogue, List.of(
        new dev.recsys.common.interactions.Cooccurrence("a", "b", 1.5), new dev.recsys.common.interactions.Cooccurrence("a", "c", 0.5)));
    assertThat(weighted.probabilities(List.of("a"))).containsExactly(counts.probabilities(List.of("a")));
    assertThat(titles(weighted, List.of("a"), 3)).containsExactly("b", "c", "x");
    assertThatThrownBy(() -> TransitionModel.weighted(catalogue, List.of(
        new dev.recsys.common.interactions.Cooccurrence("a", "nope", 1.0))))
        .hasMessageContaining("co-occurrence a -> nope names an item that is not in the catalogue");
  }
}
