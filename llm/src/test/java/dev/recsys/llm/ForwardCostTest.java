package dev.recsys.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ForwardCostTest {
  // SmolLM2-135M's shape
  static final LlamaConfig SMOL = new LlamaConfig(49152, 576, 1536, 30, 9, 3, 1e-5, 100000, 8192, true, 1, 2);

  @Test
  void countsTheMatrixProductsOfAPositionFromTheShape() {
    ForwardCost c = new ForwardCost(SMOL);
    // per layer: q 576x576, k and v 576x192 each, o 576x576, MLP 3 x 576x1536: 3,538,944 multiply-adds
    assertThat(c.perPosition()).isEqualTo(2.0 * 3_538_944 * 30);
    // 2 FLOPs per weight outside the (tied) embedding and the 61 norm vectors: 134,515,008 parameters in all
    assertThat(c.perPosition() / 2).isEqualTo(134_515_008 - 49152.0 * 576 - 61 * 576);
    assertThat(c.logits()).isEqualTo(2.0 * 576 * 49152);
  }

  @Test
  void attentionGrowsWithTheContext_andOnlyTheAskedLogitsAreCounted() {
    ForwardCost c = new ForwardCost(SMOL);
    double prefill = c.forward(1, 177, 0, 1);
    double allLogits = c.forward(1, 177, 0, 177);
    assertThat(allLogits - prefill).isEqualTo(176 * c.logits());
    // one decode step of 4 beams over 200 cached positions
    double step = c.forward(4, 1, 200, 1);
    assertThat(step).isEqualTo(4 * (c.perPosition() + 4.0 * 576 * 201 * 30 + c.logits()));
    assertThat(prefill / 1e9).isCloseTo(38.0, within(1.0));
  }
}
