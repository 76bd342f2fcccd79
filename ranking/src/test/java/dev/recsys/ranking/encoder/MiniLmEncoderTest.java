package dev.recsys.ranking.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MiniLmEncoderTest {
  static double l2(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  @Test
  void encodesUnitVectors_withSemanticNeighbours() {
    Encoder e = Encoders.byId(MiniLmEncoder.ID);
    float[][] v = e.encode(List.of("Toy Story (1995)", "Toy Story 2 (1999)", "Schindler's List (1993)"));
    assertThat(v).hasNumberOfRows(3);
    assertThat(v[0]).hasSize(e.dimension());
    double norm = l2(v[0], new float[v[0].length]);
    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(l2(v[0], v[1])).isLessThan(l2(v[0], v[2]));
  }

  @Test
  void isDeterministic() {
    Encoder e = new MiniLmEncoder();
    assertThat(e.encode(List.of("Heat (1995)"))[0]).containsExactly(e.encode(List.of("Heat (1995)"))[0]);
  }
}
