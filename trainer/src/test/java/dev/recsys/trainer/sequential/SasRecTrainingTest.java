package dev.recsys.trainer.sequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.sequential.SasRecConfig;
import dev.recsys.trainer.sequential.SasRecTraining.Example;
import dev.recsys.trainer.sequential.SasRecTraining.Objective;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SasRecTrainingTest {
  @TempDir Path dir;

  @BeforeAll
  static void djl() {
    DjlDefaults.apply();
  }

  @Test
  void everySlot_predictsWhatFollowedIt_andPaddingPredictsNothing() {
    // a window of 4: a short history is right-aligned after padding, a long one keeps its last 4 items
    SasRecTraining.Slots slots = SasRecTraining.Slots.of(List.of(new Example(new int[] {7, 8}, 9),
        new Example(new int[] {1, 2, 3, 4, 5}, 6)), 4);
    assertThat(slots.targets()).containsExactly(0, 0, 8, 9, /* */ 3, 4, 5, 6);
    assertThat(slots.mask()).containsExactly(0, 0, 1, 1, /* */ 1, 1, 1, 1);
  }

  @Test
  void everyPositionLoss_isTheMeanCrossEntropyOverKeptSlots() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      float[] scores = {0.5f, -1f, 2f, /* */ 3f, 0f, 0f, /* */ 1f, 1f, 1f, /* */ -2f, 4f, 0.25f};
      NDArray loss = SasRecTraining.crossEntropy(m.create(scores, new Shape(2, 2, 3)),
          m.create(new long[] {2, 0, 1, 1}, new Shape(2, 2)), m.create(new float[] {1, 1, 0, 1}, new Shape(2, 2)));
      double expected = (nll(scores, 0, 2) + nll(scores, 3, 0) + nll(scores, 9, 1)) / 3; // slot 3 masked out
      assertThat(loss.getFloat()).isCloseTo((float) expected, within(1e-5f));
      NDArray last = SasRecTraining.crossEntropy(m.create(new float[] {0.5f, -1f, 2f, 3f, 0f, 0f}, new Shape(2, 3)),
          m.create(new long[] {2, 0}));
      assertThat(last.getFloat()).isCloseTo((float) ((nll(scores, 0, 2) + nll(scores, 3, 0)) / 2), within(1e-5f));
    }
  }

  /** -log softmax(row)[target] of the 3 scores from {@code at}. */
  private static double nll(float[] s, int at, int target) {
    double z = 0;
    for (int i = 0; i < 3; i++) {
      z += Math.exp(s[at + i]);
    }
    return -(s[at + target] - Math.log(z));
  }

  /**
   * 40 items in 4 disjoint cycles: the next item is fully determined by the last one, so a model
   * that learns anything ranks it first. Both objectives must, from histories of 1 to 6 items.
   */
  @Test
  void bothObjectives_learnADeterministicSuccession() throws Exception {
    int items = 40;
    List<Example> train = examples(items, 1500, 1);
    List<Example> valid = examples(items, 200, 2);
    List<String> ids = IntStream.range(0, items).mapToObj(i -> "i" + i).toList();
    for (Objective objective : Objective.values()) {
      Path file = dir.resolve(objective.label()).resolve(ReleaseLayout.SASREC);
      java.nio.file.Files.createDirectories(file.getParent());
      SasRecTraining.Result r = SasRecTraining.train(new SasRecConfig(items, 6, 32, 2, 1, 0.1), train, valid,
          new SasRecTraining.Options(30, 3, 64, 5e-3f, 3, objective), ids, file, (e, l, n, b) -> { });
      try (SasRec model = SasRec.load(file, ids)) {
        double ndcg = SasRecTraining.validNdcg10(model, valid);
        assertThat(ndcg).as(objective.label()).isGreaterThan(0.9);
        assertThat(ndcg).isEqualTo(r.bestValidNdcg10());
      }
    }
  }

  @Test
  void objective_readsItsLabel_andRefusesOthers() {
    assertThat(Objective.of("every-position")).isEqualTo(Objective.EVERY_POSITION);
    assertThat(Objective.of("last")).isEqualTo(Objective.LAST);
    assertThatThrownBy(() -> Objective.of("all")).hasMessageContaining("use last or every-position");
  }

  /** Random walks along the cycles (item i is followed by i + 1 within its cycle of 10). */
  private static List<Example> examples(int items, int n, long seed) {
    Random rnd = new Random(seed);
    List<Example> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int cycle = rnd.nextInt(items / 10);
      int at = rnd.nextInt(10);
      int len = 1 + rnd.nextInt(6);
      int[] h = new int[len];
      for (int j = 0; j < len; j++) {
        h[j] = cycle * 10 + (at + j) % 10;
      }
      out.add(new Example(h, cycle * 10 + (at + len) % 10));
    }
    return out;
  }
}
