package io.lorastream.trainer.pairs;

import io.lorastream.model.train.FalseNegatives;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The documents known to be relevant to each query of one adapter: every positive its pairs brought
 * (clicks, thumbs up, labels of grade 2 or more), held-out pairs included. A document that was ever
 * a positive of a query is never trained as one of its negatives, neither as a hard negative nor as
 * another pair's in-batch candidate: in a domain with many relevant documents per query, a skipped
 * document is often one the user never looked at. Bounded: the queries updated longest ago go
 * first, and each query keeps its newest {@code maxPerQuery} documents. Insertion order is kept so
 * a restored set equals the saved one. Not thread-safe.
 */
public final class KnownPositives {

  /** One query's known positives, for checkpoints. */
  public record Entry(String query, List<String> docIds) {
    public Entry {
      docIds = List.copyOf(docIds);
    }
  }

  private final int maxQueries;
  private final int maxPerQuery;
  // normalized query -> doc ids, the query updated longest ago first
  private final LinkedHashMap<String, LinkedHashSet<String>> byQuery = new LinkedHashMap<>();

  public KnownPositives(int maxQueries, int maxPerQuery) {
    if (maxQueries < 1 || maxPerQuery < 1) {
      throw new IllegalArgumentException(
          "known-positive bounds must be >= 1, got " + maxQueries + " and " + maxPerQuery);
    }
    this.maxQueries = maxQueries;
    this.maxPerQuery = maxPerQuery;
  }

  /** Restores a set from a checkpoint's entries (eldest first). */
  public static KnownPositives of(int maxQueries, int maxPerQuery, List<Entry> entries) {
    KnownPositives k = new KnownPositives(maxQueries, maxPerQuery);
    for (Entry e : entries) {
      for (String d : e.docIds()) {
        k.add(e.query(), d);
      }
    }
    return k;
  }

  /** Records that {@code docId} is relevant to {@code query} (any spelling of it). */
  public void add(String query, String docId) {
    String q = FalseNegatives.normalizeQuery(query);
    LinkedHashSet<String> docs = byQuery.remove(q);
    if (docs == null) {
      docs = new LinkedHashSet<>();
    }
    byQuery.put(q, docs); // now the newest
    docs.remove(docId);
    docs.add(docId);
    if (docs.size() > maxPerQuery) {
      Iterator<String> it = docs.iterator();
      it.next();
      it.remove();
    }
    if (byQuery.size() > maxQueries) {
      Iterator<Map.Entry<String, LinkedHashSet<String>>> it = byQuery.entrySet().iterator();
      it.next();
      it.remove();
    }
  }

  /** The known positives of {@code query}; empty when none. */
  public Set<String> positivesOf(String query) {
    LinkedHashSet<String> docs = byQuery.get(FalseNegatives.normalizeQuery(query));
    return docs == null ? Set.of() : Set.copyOf(docs);
  }

  public int queries() {
    return byQuery.size();
  }

  /** Every query's positives, eldest update first. */
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>(byQuery.size());
    byQuery.forEach((q, d) -> out.add(new Entry(q, new ArrayList<>(d))));
    return out;
  }
}
