package dev.recsys.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Beam reordering of the cache: rows in place, a run of rows, any order. */
class KvCacheTest {
  static final int POSITIONS = 3;
  static final int HEAD_DIM = 2;
  static final int ROW = POSITIONS * HEAD_DIM; // one row's floats with one key/value head

  NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  /** A one-layer cache of 4 rows whose keys are 0, 1, 2, ... and values their negatives. */
  KvCache fourRows() {
    float[] k = new float[4 * ROW];
    for (int i = 0; i < k.length; i++) {
      k[i] = i;
    }
    NDArray keys = manager.create(k, new Shape(4, 1, POSITIONS, HEAD_DIM));
    KvCache cache = new KvCache(1);
    cache.append(0, keys, keys.neg());
    return cache;
  }

  float[] rows(int... rows) {
    float[] out = new float[rows.length * ROW];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < ROW; j++) {
        out[i * ROW + j] = rows[i] * ROW + j;
      }
    }
    return out;
  }

  void select(KvCache cache, long... rows) {
    cache.select(manager.create(rows));
  }

  @Test
  void everyRowInOrder_keepsTheArraysAsTheyAre() {
    KvCache cache = fourRows();
    NDArray before = cache.keys(0);
    select(cache, 0, 1, 2, 3);
    assertThat(cache.keys(0)).isSameAs(before);
    assertThat(cache.keys(0).toFloatArray()).containsExactly(rows(0, 1, 2, 3));
  }

  @Test
  void aRunOfRows_andAnyOrder_keepThoseRows() {
    KvCache cache = fourRows();
    select(cache, 1, 2);
    assertThat(cache.rows()).isEqualTo(2);
    assertThat(cache.keys(0).toFloatArray()).containsExactly(rows(1, 2));
    float[] negated = rows(1, 2);
    for (int i = 0; i < negated.length; i++) {
      negated[i] = -negated[i];
    }
    assertThat(cache.values(0).toFloatArray()).containsExactly(negated);

    KvCache other = fourRows();
    select(other, 3, 0, 0);
    assertThat(other.keys(0).toFloatArray()).containsExactly(rows(3, 0, 0));
    assertThat(other.length()).isEqualTo(POSITIONS);
    assertThat(other.rows()).isEqualTo(3);
  }
}
