package dev.recsys.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CandidateScoreTest {
  static final long EOS = 2;

  @Test
  void score_isTheLikelihoodLessItsWeightedPrior_perTokenWhenAsked_mixedWithTheAssistant() {
    // llm -6, prior -4, 3 tokens, assistant -2
    assertThat(CandidateScore.d3(0.25).of(-6, -4, 3, -2)).isCloseTo(0.75 * -6 + 0.25 * -2, within(1e-12));
    assertThat(new CandidateScore(0, 1, false).of(-6, -4, 3, -2)).isCloseTo(-2, within(1e-12));
    assertThat(new CandidateScore(0, 0.5, true).of(-6, -4, 3, -2)).isCloseTo((-6 + 2) / 3.0, within(1e-12));
    assertThat(new CandidateScore(0.5, 1, true).of(-6, -4, 3, -2)).isCloseTo(0.5 * (-2 / 3.0) + 0.5 * -2,
        within(1e-12));
    // λ = 1 leaves the LLM no say: neither its likelihood nor the prior is read
    assertThat(new CandidateScore(1, 1, true).of(-6, Double.NaN, 3, -2)).isEqualTo(-2);
    assertThat(new CandidateScore(1, 1, true).needsPrior()).isFalse();
    assertThat(new CandidateScore(0.5, 0, true).needsPrior()).isFalse();
    assertThat(new CandidateScore(0.5, 0.5, false).needsPrior()).isTrue();
    assertThat(CandidateScore.d3(0.9).label()).isEqualTo("likelihood, λ=0.9");
    assertThat(new CandidateScore(0.6, 1, true).label()).isEqualTo("PMI β=1 per token, λ=0.6");
  }

  @Test
  void weightsOutsideTheUnitInterval_areRefused() {
    assertThatThrownBy(() -> new CandidateScore(1.5, 0, false)).hasMessageContaining("assistant weight");
    assertThatThrownBy(() -> new CandidateScore(0.5, -0.1, false)).hasMessageContaining("prior weight");
    assertThatThrownBy(() -> new CandidateScore(0.5, Double.NaN, false)).hasMessageContaining("prior weight");
  }

  /**
   * Three titles of 2, 5 and 3 tokens: D3's summed likelihood prefers the short one, the same per
   * token the long one, and the likelihood less the prior the one the history says most about.
   */
  @Test
  void rank_ordersCandidatesByTheirScore_eachVariantItsOwnWay() {
    TitleTrie trie = TitleTrie.of(List.of(new long[] {5, EOS}, new long[] {6, 7, 8, 9, EOS},
        new long[] {10, 11, EOS}), List.of("A", "B", "C"));
    int[] rows = {0, 1, 2};
    double[] llm = {-4, -7.5, -5.1};
    double[] prior = {-1, -6, -4};
    double[] assistant = {-3, -1, -2};
    TitleGenerator.Candidates c = new TitleGenerator.Candidates(trie, rows, assistant, prior);
    assertThat(order(c, llm, CandidateScore.d3(0))).containsExactly("A", "C", "B");
    assertThat(order(c, llm, new CandidateScore(0, 0, true))).containsExactly("B", "C", "A");
    assertThat(order(c, llm, new CandidateScore(0, 1, false))).containsExactly("C", "B", "A");
    assertThat(order(c, llm, CandidateScore.d3(1))).containsExactly("B", "C", "A");
    List<TitleGenerator.Generated> pmi = TitleGenerator.rank(c, llm, new CandidateScore(0, 1, true));
    assertThat(pmi.get(0).text()).isEqualTo("B");
    assertThat(pmi.get(0).score()).isCloseTo((-7.5 + 6) / 5, within(1e-12));
    assertThat(pmi.get(0).tokens()).isEqualTo(5);
  }

  @Test
  void aScoreThatReadsThePrior_needsCandidatesThatCarryIt() {
    TitleTrie trie = TitleTrie.of(List.of(new long[] {5, EOS}, new long[] {9, EOS}), List.of("A", "B"));
    TitleGenerator.Candidates bare = new TitleGenerator.Candidates(trie, new int[] {0, 1}, new double[] {-1, -2});
    assertThatThrownBy(() -> TitleGenerator.rank(bare, new double[] {-1, -1}, new CandidateScore(0.5, 1, true)))
        .hasMessageContaining("prior log-probabilities");
    assertThatThrownBy(() -> TitleGenerator.Ask.rank(List.of("x"), bare, new CandidateScore(0.5, 1, true)))
        .hasMessageContaining("prior log-probabilities");
    // at λ = 1 the prior is not read, so bare candidates do
    assertThat(TitleGenerator.Ask.rank(List.of("x"), bare, new CandidateScore(1, 1, true)).priorWeight()).isZero();
    assertThatThrownBy(() -> new TitleGenerator.Candidates(trie, new int[] {0, 1}, new double[] {-1, -2},
        new double[] {-1})).hasMessageContaining("2 candidates but 1 prior");
  }

  private static List<String> order(TitleGenerator.Candidates c, double[] llm, CandidateScore s) {
    return TitleGenerator.rank(c, llm, s).stream().map(TitleGenerator.Generated::text).toList();
  }
}
