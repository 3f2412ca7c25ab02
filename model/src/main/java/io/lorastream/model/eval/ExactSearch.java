package io.lorastream.model.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Exact top-k retrieval by dot product (cosine for unit vectors), in memory bounded by O(Q x k +
 * block): the Q x N score matrix is never built.
 *
 * <p>Order: higher score first; equal scores put the larger document id ({@link String#compareTo})
 * first. ST leaves ties to {@code torch.topk} and heap layout; its {@code (score, corpus_id)}
 * min-heap evicts the smaller id on a tie, so at the cut-off this keeps the same documents ST
 * keeps.
 */
public final class ExactSearch {

  // Documents scored per pass of a query block: 512 x 384 floats = 768 KiB stays in L2 across
  // queries.
  private static final int DOC_BLOCK = 512;
  private static final int QUERY_BLOCK = 16;

  private ExactSearch() {}

  /**
   * The k best documents of each query.
   *
   * @param queries {@code [Q][D]}
   * @param docs {@code [N, D]}
   * @param k how many to keep per query; fewer come back when N < k
   * @return Q rankings, best first
   */
  public static List<List<ScoredDoc>> topK(float[][] queries, EmbeddingMatrix docs, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    int d = docs.dimension();
    for (int q = 0; q < queries.length; q++) {
      if (queries[q].length != d) {
        throw new IllegalArgumentException(
            "query " + q + " has " + queries[q].length + " dimensions, documents have " + d);
      }
    }
    TopK[] heaps = new TopK[queries.length];
    int blocks = (queries.length + QUERY_BLOCK - 1) / QUERY_BLOCK;
    // query blocks are independent, so the result does not depend on the parallel schedule
    IntStream.range(0, blocks)
        .parallel()
        .forEach(
            b -> {
              int q0 = b * QUERY_BLOCK;
              int q1 = Math.min(queries.length, q0 + QUERY_BLOCK);
              for (int q = q0; q < q1; q++) {
                heaps[q] = new TopK(Math.min(k, docs.size()), docs.ids());
              }
              for (int n0 = 0; n0 < docs.size(); n0 += DOC_BLOCK) {
                int n1 = Math.min(docs.size(), n0 + DOC_BLOCK);
                for (int q = q0; q < q1; q++) {
                  float[] query = queries[q];
                  for (int n = n0; n < n1; n++) {
                    heaps[q].offer(dot(query, docs.values(), n * d, d), n);
                  }
                }
              }
            });
    List<List<ScoredDoc>> out = new ArrayList<>(queries.length);
    for (TopK heap : heaps) {
      out.add(heap.sorted());
    }
    return out;
  }

  /**
   * Dot product of {@code a} with {@code m[offset, offset + d)}; four lanes to shorten the add
   * chain.
   */
  static float dot(float[] a, float[] m, int offset, int d) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < d; i += 4) {
      s0 += a[i] * m[offset + i];
      s1 += a[i + 1] * m[offset + i + 1];
      s2 += a[i + 2] * m[offset + i + 2];
      s3 += a[i + 3] * m[offset + i + 3];
    }
    for (; i < d; i++) {
      s0 += a[i] * m[offset + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Bounded min-heap of (score, row) whose root is the worst kept document. */
  private static final class TopK {
    private final float[] scores;
    private final int[] rows;
    private final List<String> ids;
    private int size;

    TopK(int capacity, List<String> ids) {
      this.scores = new float[capacity];
      this.rows = new int[capacity];
      this.ids = ids;
    }

    void offer(float score, int row) {
      if (scores.length == 0) {
        return;
      }
      if (size < scores.length) {
        scores[size] = score;
        rows[size] = row;
        siftUp(size++);
      } else if (worse(scores[0], rows[0], score, row)) {
        scores[0] = score;
        rows[0] = row;
        siftDown(0);
      }
    }

    List<ScoredDoc> sorted() {
      Integer[] order = new Integer[size];
      for (int i = 0; i < size; i++) {
        order[i] = i;
      }
      // best first
      Arrays.sort(
          order,
          (x, y) -> {
            if (worse(scores[x], rows[x], scores[y], rows[y])) {
              return 1;
            }
            return worse(scores[y], rows[y], scores[x], rows[x]) ? -1 : 0;
          });
      List<ScoredDoc> out = new ArrayList<>(size);
      for (int i : order) {
        out.add(new ScoredDoc(ids.get(rows[i]), scores[i]));
      }
      return out;
    }

    // (sa, ra) ranks below (sb, rb): lower score, or equal score and smaller id
    private boolean worse(float sa, int ra, float sb, int rb) {
      // numeric comparison, not Float.compare: -0.0 and 0.0 tie, as they do in Python
      if (sa != sb) {
        return sa < sb;
      }
      return ids.get(ra).compareTo(ids.get(rb)) < 0;
    }

    private void siftUp(int i) {
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (!worse(scores[i], rows[i], scores[parent], rows[parent])) {
          return;
        }
        swap(i, parent);
        i = parent;
      }
    }

    private void siftDown(int i) {
      while (true) {
        int l = 2 * i + 1;
        if (l >= size) {
          return;
        }
        int r = l + 1;
        int c = r < size && worse(scores[r], rows[r], scores[l], rows[l]) ? r : l;
        if (!worse(scores[c], rows[c], scores[i], rows[i])) {
          return;
        }
        swap(i, c);
        i = c;
      }
    }

    private void swap(int a, int b) {
      float s = scores[a];
      scores[a] = scores[b];
      scores[b] = s;
      int r = rows[a];
      rows[a] = rows[b];
      rows[b] = r;
    }
  }
}
