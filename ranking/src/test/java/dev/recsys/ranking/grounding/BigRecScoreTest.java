package dev.recsys.ranking.grounding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BigRecScoreTest {
  @Test
  void normalise_mapsMinToZeroAndMaxToOne() {
    double[] d = {2.0, 4.0, 3.0};
    BigRecScore.normalise(d);
    assertThat(d).containsExactly(0.0, 1.0, 0.5);
  }

  @Test
  void normalise_allEqualBecomesZeros() {
    double[] d = {1.5, 1.5};
    BigRecScore.normalise(d);
    assertThat(d).containsExactly(0.0, 0.0);
  }

  @Test
  void adjust_isDhatTimesOnePlusWToMinusGamma() {
    assertThat(BigRecScore.adjust(0.8, 1.0, 2.0)).isCloseTo(0.8 / 4.0, within(1e-12));
    assertThat(BigRecScore.adjust(0.8, 0.0, 5.0)).isEqualTo(0.8);
    assertThat(BigRecScore.adjust(0.8, 1.0, 0.0)).isEqualTo(0.8);
    assertThat(BigRecScore.adjust(0.0, 1.0, 50.0)).isEqualTo(0.0);
  }
}
