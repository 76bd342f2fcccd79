package dev.recsys.common.embedding;

import java.util.Arrays;

/**
 * Row-major float matrix: row {@code i} is the embedding of catalogue item {@code i}.
 *
 * @param encoderId the encoder that produced the rows (texts must be embedded with the same one)
 * @param rows      number of rows (items)
 * @param dimension number of columns
 * @param data      {@code rows * dimension} floats, row-major
 */
public record EmbeddingMatrix(String encoderId, int rows, int dimension, float[] data) {
  public EmbeddingMatrix {
    if (rows < 0 || dimension <= 0) {
      throw new IllegalArgumentException("rows must be >= 0 and dimension > 0, got " + rows + "x" + dimension);
    }
    if ((long) rows * dimension != data.length) {
      throw new IllegalArgumentException(
          "data has " + data.length + " floats, expected rows*dimension = " + (long) rows * dimension);
    }
  }

  /** A copy of row {@code i}. */
  public float[] row(int i) {
    return Arrays.copyOfRange(data, i * dimension, (i + 1) * dimension);
  }

  public static EmbeddingMatrix of(String encoderId, float[][] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("at least one row is needed to know the dimension");
    }
    int d = rows[0].length;
    float[] data = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d) {
        throw new IllegalArgumentException("row " + i + " has dimension " + rows[i].length + ", expected " + d);
      }
      System.arraycopy(rows[i], 0, data, i * d, d);
    }
    return new EmbeddingMatrix(encoderId, rows.length, d, data);
  }
}
