package dev.recsys.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of the positions seen so far, per layer, after the rotary embedding and before
 * the grouped-query repeat: shape [batch, num_key_value_heads, positions, head_dim]. Generation
 * feeds only the new tokens and attends over the cached ones.
 *
 * <p>Rows of a batch may hold prompts of different lengths, padded to the longest: row r's
 * {@code leftPad[r]} positions from {@link #padFrom} on are padding, never attended to, and its
 * later tokens' rotary positions continue after them as if they were not there. Padding starts at
 * 0 (left padding), or after a prompt prefix the rows share, whose keys and values were computed
 * once ({@link #afterPrefix}).
 */
public final class KvCache {
  private final NDArray[] keys;
  private final NDArray[] values;
  private int[] leftPad;
  private final int padFrom;

  public KvCache(int layers) {
    this(layers, null);
  }

  /** @param leftPad padding positions at the start of each row, or null when no row is padded */
  public KvCache(int layers, int[] leftPad) {
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    this.leftPad = leftPad == null ? null : leftPad.clone();
    this.padFrom = 0;
  }

  private KvCache(NDArray[] keys, NDArray[] values, int[] leftPad, int padFrom) {
    this.keys = keys;
    this.values = values;
    this.leftPad = leftPad == null ? null : leftPad.clone();
    this.padFrom = padFrom;
  }

  /**
   * A cache for {@code rows} rows that starts with the first {@code length} positions of a batch-1
   * prefix's keys and values (copied into {@code m}); the rows' padding, if any, follows them.
   *
   * @param leftPad padding positions of each row after the prefix, or null when no row is padded
   */
  static KvCache afterPrefix(NDArray[] prefixKeys, NDArray[] prefixValues, int length, int rows, int[] leftPad,
      ai.djl.ndarray.NDManager m) {
    NDArray[] k = new NDArray[prefixKeys.length];
    NDArray[] v = new NDArray[prefixValues.length];
    for (int l = 0; l < k.length; l++) {
      k[l] = rowsOf(prefixKeys[l], length, rows, m);
      v[l] = rowsOf(prefixValues[l], length, rows, m);
    }
    return new KvCache(k, v, leftPad, length);
  }

  private static NDArray rowsOf(NDArray prefix, int length, int rows, ai.djl.ndarray.NDManager m) {
    NDArray head = prefix.get(new NDIndex(":, :, :{}, :", length));
    NDArray out = rows == 1 ? head : head.repeat(0, rows);
    if (out != head) {
      head.close();
    }
    out.attach(m);
    return out;
  }

  /** The first position that may be padding (0, or the length of a shared prefix). */
  int padFrom() {
    return padFrom;
  }

  /** Layer {@code l}'s cached keys (null before the first step). */
  NDArray keys(int l) {
    return keys[l];
  }

  /** Layer {@code l}'s cached values (null before the first step). */
  NDArray values(int l) {
    return values[l];
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

  /**
   * Appends the rows of {@code other} after this cache's rows (a request joining a running batch
   * at its next step). Both caches must start their padding at the same position; the shorter
   * one's rows get the difference in length as more padding there (zeros, masked out like the
   * rest), so every row keeps its own positions and no real token ever attends to padding.
   */
  void join(KvCache other) {
    if (other.padFrom != padFrom || other.keys.length != keys.length) {
      throw new IllegalArgumentException("cannot join a cache padded from " + other.padFrom + " (" + other.keys.length
          + " layers) to one padded from " + padFrom + " (" + keys.length + " layers)");
    }
    if (keys[0] == null || other.keys[0] == null) {
      throw new IllegalArgumentException("only caches that hold positions can be joined");
    }
    int mine = length();
    int theirs = other.length();
    int rowsHere = rows();
    int rowsThere = other.rows();
    int[] pad = new int[rowsHere + rowsThere];
    for (int r = 0; r < rowsHere; r++) {
      pad[r] = (leftPad == null ? 0 : leftPad[r]) + Math.max(0, theirs - mine);
    }
    for (int r = 0; r < rowsThere; r++) {
      pad[rowsHere + r] = (other.leftPad == null ? 0 : other.leftPad[r]) + Math.max(0, mine - theirs);
    }
    for (int l = 0; l < keys.length; l++) {
      keys[l] = NDArrays.concat(new NDList(padded(keys[l], theirs - mine), padded(other.keys[l], mine - theirs)), 0);
      values[l] = NDArrays.concat(new NDList(padded(values[l], theirs - mine),
          padded(other.values[l], mine - theirs)), 0);
    }
    boolean any = false;
    for (int p : pad) {
      any |= p > 0;
    }
    leftPad = any ? pad : null;
  }

  /** {@code x} with {@code extra} zero positions inserted at {@link #padFrom} (none when extra <= 0). */
  private NDArray padded(NDArray x, int extra) {
    if (extra <= 0) {
      return x;
    }
    Shape s = x.getShape();
    NDArray zeros = x.getManager().zeros(new Shape(s.get(0), s.get(1), extra, s.get(3)), x.getDataType());
    if (padFrom == 0) {
      return NDArrays.concat(new NDList(zeros, x), 2);
    }
    NDArray head = x.get(new NDIndex(":, :, :{}, :", padFrom));
    NDArray tail = x.get(new NDIndex(":, :, {}:, :", padFrom));
    return NDArrays.concat(new NDList(head, zeros, tail), 2);
  }

  /**
   * Moves this cache's arrays into a new sub-manager of {@code parent} and closes
   * {@code previous} (the one that held them before, if any): what the steps since derived from
   * the old arrays there (reordered rows, the arrays this one replaced) is freed with it, so a
   * batch that lives for many steps holds one generation of its cache, not all of them.
   *
   * @return the manager that now holds the arrays: pass it as {@code previous} next time
   */
  NDManager keepIn(NDManager parent, NDManager previous) {
    NDManager next = parent.newSubManager();
    for (int l = 0; l < keys.length; l++) {
      if (keys[l] != null) {
        keys[l].attach(next);
        values[l].attach(next);
      }
    }
    if (previous != null) {
      previous.close();
    }
    return next;
  }

  /** Rows in the batch (0 before the first step). */
  int rows() {
    return keys[0] == null ? 0 : (int) keys[0].getShape().get(0);
  }

  /**
   * Keeps only the given rows of the batch (beam search reorders its beams each step). Padding
   * that every kept row has (rows that needed none have ended) is dropped, so a batch that
   * requests keep joining is only as long as its longest live row. Rows kept in place (about half
   * of a constrained search's steps) are not copied: the same rows in order change nothing, a run
   * of consecutive rows is a view.
   */
  public void select(NDArray rows) {
    long[] r = rows.toLongArray();
    int from = r.length == 0 ? 0 : (int) r[0];
    boolean consecutive = r.length > 0;
    for (int i = 1; consecutive && i < r.length; i++) {
      consecutive = r[i] == from + i;
    }
    int common = 0;
    if (leftPad != null) {
      int[] kept = new int[r.length];
      common = Integer.MAX_VALUE;
      for (int i = 0; i < r.length; i++) {
        kept[i] = leftPad[(int) r[i]];
        common = Math.min(common, kept[i]);
      }
      common = kept.length == 0 ? 0 : common;
      boolean padded = false;
      for (int i = 0; i < kept.length; i++) {
        kept[i] -= common;
        padded |= kept[i] > 0;
      }
      leftPad = padded ? kept : null; // no row padded: the cheaper unpadded masks and positions
    }
    if (consecutive && from == 0 && r.length == rows() && common == 0) {
      return; // every row, in order
    }
    for (int l = 0; l < keys.length; l++) {
      if (keys[l] != null) {
        keys[l] = withoutPositions(consecutive ? rowRange(keys[l], from, r.length) : keys[l].get(rows), common);
        values[l] = withoutPositions(consecutive ? rowRange(values[l], from, r.length) : values[l].get(rows), common);
      }
    }
  }

  private static NDArray rowRange(NDArray x, int from, int count) {
    return x.get(new NDIndex("{}:{}", from, from + count));
  }

  /**
   * Keeps the first {@code positions} positions of every row and layer (a step that fed some rows
   * more tokens than the others keeps one position for the rows that go on).
   */
  void truncate(int positions) {
    if (positions < length()) {
      for (int l = 0; l < keys.length; l++) {
        keys[l] = keys[l].get(new NDIndex(":, :, :{}, :", positions));
        values[l] = values[l].get(new NDIndex(":, :, :{}, :", positions));
      }
    }
  }

  /** {@code x} without the {@code count} positions from {@link #padFrom} on (itself when 0). */
  private NDArray withoutPositions(NDArray x, int count) {
    if (count == 0) {
      return x;
    }
    NDArray tail = x.get(new NDIndex(":, :, {}:, :", padFrom + count));
    return padFrom == 0 ? tail : NDArrays.concat(new NDList(x.get(new NDIndex(":, :, :{}, :", padFrom)), tail), 2);
  }
}
