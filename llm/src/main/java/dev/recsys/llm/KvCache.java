package dev.recsys.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Keys and values of the positions seen so far, per layer, after the rotary embedding and before
 * the grouped-query repeat: shape [batch, num_key_value_heads, positions, head_dim]. Generation
 * feeds only the new tokens and attends over the cached ones.
 *
 * <p>Rows of a batch may hold prompts of different lengths, left-padded to the longest: row r's
 * first {@code leftPad[r]} positions are padding, never attended to, and its tokens' rotary
 * positions start at 0 after them.
 */
public final class KvCache {
  private final NDArray[] keys;
  private final NDArray[] values;
  private int[] leftPad;

  public KvCache(int layers) {
    this(layers, null);
  }

  /** @param leftPad padding positions at the start of each row, or null when no row is padded */
  public KvCache(int layers, int[] leftPad) {
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    this.leftPad = leftPad == null ? null : leftPad.clone();
  }

  /** Padding positions at the start of each row, or null when no row is padded. */
  int[] leftPad() {
    return leftPad;
  }

  /** Positions cached so far (the rotary offset of the next token). */
  public int length() {
    return keys[0] == null ? 0 : (int) keys[0].getShape().get(2);
  }

  /** Appends this step's keys and values of a layer and returns the full ones. */
  NDList append(int layer, NDArray k, NDArray v) {
    keys[layer] = keys[layer] == null ? k : NDArrays.concat(new NDList(keys[layer], k), 2);
    values[layer] = values[layer] == null ? v : NDArrays.concat(new NDList(values[layer], v), 2);
    return new NDList(keys[layer], values[layer]);
  }

  /** Keeps only the given rows of the batch (beam search reorders its beams each step). */
  public void select(NDArray rows) {
    if (leftPad != null) {
      long[] r = rows.toLongArray();
      int[] kept = new int[r.length];
      for (int i = 0; i < r.length; i++) {
        kept[i] = leftPad[(int) r[i]];
      }
      leftPad = kept;
    }
    for (int l = 0; l < keys.length; l++) {
      if (keys[l] != null) {
        keys[l] = keys[l].get(rows);
        values[l] = values[l].get(rows);
      }
    }
  }
}
