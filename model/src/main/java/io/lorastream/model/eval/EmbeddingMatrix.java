package io.lorastream.model.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Document embeddings as one row-major block, the layout exact search scans fastest.
 *
 * <p>N = number of documents, D = embedding width. The array is not copied: do not change it after
 * construction.
 *
 * @param ids document ids, row order, no repeats
 * @param dimension D
 * @param values {@code [N * D]}, row i at {@code [i * D, (i + 1) * D)}
 */
public record EmbeddingMatrix(List<String> ids, int dimension, float[] values) {

  public EmbeddingMatrix {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    }
    ids = List.copyOf(ids);
    if ((long) ids.size() * dimension != values.length) {
      throw new IllegalArgumentException(
          "values holds "
              + values.length
              + " floats but "
              + ids.size()
              + " ids x "
              + dimension
              + " dimensions need "
              + (long) ids.size() * dimension);
    }
    Set<String> seen = new HashSet<>();
    for (String id : ids) {
      if (!seen.add(id)) {
        throw new IllegalArgumentException("document id '" + id + "' appears twice");
      }
    }
  }

  /** Copies rows into one block; every row must have the same length. */
  public static EmbeddingMatrix of(List<String> ids, float[][] rows) {
    if (ids.size() != rows.length) {
      throw new IllegalArgumentException(ids.size() + " ids but " + rows.length + " rows");
    }
    if (rows.length == 0) {
      throw new IllegalArgumentException("an embedding matrix needs at least one row");
    }
    int d = rows[0].length;
    float[] values = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d) {
        throw new IllegalArgumentException(
            "row "
                + i
                + " (id '"
                + ids.get(i)
                + "') has "
                + rows[i].length
                + " dimensions, row 0 has "
                + d);
      }
      System.arraycopy(rows[i], 0, values, i * d, d);
    }
    return new EmbeddingMatrix(ids, d, values);
  }

  /** Copies a pool of embeddings keyed by document id, in the map's iteration order. */
  public static EmbeddingMatrix of(Map<String, float[]> byId) {
    List<String> ids = new ArrayList<>(byId.keySet());
    float[][] rows = new float[ids.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = byId.get(ids.get(i));
    }
    return of(ids, rows);
  }

  /** N. */
  public int size() {
    return ids.size();
  }

  /** A copy of row i. */
  public float[] row(int i) {
    return Arrays.copyOfRange(values, i * dimension, (i + 1) * dimension);
  }

  /** Row copies keyed by id, in row order. */
  public Map<String, float[]> toMap() {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      out.put(ids.get(i), row(i));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EmbeddingMatrix m
        && dimension == m.dimension
        && ids.equals(m.ids)
        && Arrays.equals(values, m.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * ids.hashCode() + dimension) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "EmbeddingMatrix[" + ids.size() + " x " + dimension + "]";
  }
}
