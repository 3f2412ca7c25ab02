package io.lorastream.trainer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One adapter's evaluation set, built from the feedback itself: the held-out queries with the documents
 * users were satisfied with, and a pool of every document seen in the adapter's pairs (positives and
 * hard negatives, trained and held out) to rank them against. Bounded: the oldest queries go first, and
 * pool documents no kept query needs go before those it does. Insertion order is kept, so the set
 * rebuilt from a checkpoint equals the one that was saved. Not thread-safe.
 */
public final class HeldOutSet {

  /** A held-out query and the ids of its relevant documents, in the order they arrived. */
  public record Query(String id, String text, List<String> relevant) {
    public Query {
      relevant = List.copyOf(relevant);
    }
  }

  /** A pool document. */
  public record Doc(String id, String text) {}

  private final int maxQueries;
  private final int maxPoolDocs;
  private final LinkedHashMap<String, String> queries = new LinkedHashMap<>();
  private final Map<String, LinkedHashSet<String>> relevant = new LinkedHashMap<>();
  private final LinkedHashMap<String, String> pool = new LinkedHashMap<>();
  private long revision;

  public HeldOutSet(int maxQueries, int maxPoolDocs) {
    if (maxQueries < 1 || maxPoolDocs < 1) {
      throw new IllegalArgumentException("held-out set bounds must be >= 1, got " + maxQueries + " and " + maxPoolDocs);
    }
    this.maxQueries = maxQueries;
    this.maxPoolDocs = maxPoolDocs;
  }

  /** Restores a set from a checkpoint's lists. */
  public static HeldOutSet of(int maxQueries, int maxPoolDocs, List<Query> queries, List<Doc> pool) {
    HeldOutSet s = new HeldOutSet(maxQueries, maxPoolDocs);
    for (Doc d : pool) {
      s.pool.put(d.id(), d.text());
    }
    for (Query q : queries) {
      s.queries.put(q.id(), q.text());
      s.relevant.put(q.id(), new LinkedHashSet<>(q.relevant()));
    }
    s.trim();
    return s;
  }

  /**
   * Adds a held-out pair: its query (under {@code queryId}), its positive as relevant when the pair is
   * positive (a click, or a label of grade 2 or more), and its documents to the pool.
   */
  public void addHeldOut(String queryId, BufferedPair p) {
    putDocs(p);
    queries.putIfAbsent(queryId, p.anchor());
    LinkedHashSet<String> rel = relevant.computeIfAbsent(queryId, q -> new LinkedHashSet<>());
    if (isPositive(p)) {
      rel.add(p.positiveDocId());
    }
    revision++;
    trim();
  }

  /** Adds a pair's documents to the pool (a document's newest text wins). */
  public void addPoolDocuments(BufferedPair p) {
    putDocs(p);
    revision++;
    trim();
  }

  private void putDocs(BufferedPair p) {
    putDoc(p.positiveDocId(), p.positive());
    for (int i = 0; i < p.negatives().size(); i++) {
      putDoc(p.negativeDocIds().get(i), p.negatives().get(i));
    }
  }

  /** Clicks are positive; labels when grade >= 2 (label >= 2/3). */
  static boolean isPositive(BufferedPair p) {
    return p.label() == null || p.label() >= 2.0 / 3 - 1e-9;
  }

  private void putDoc(String id, String text) {
    String old = pool.get(id);
    if (old == null || !old.equals(text)) {
      pool.remove(id);
      pool.put(id, text);
    }
  }

  private void trim() {
    while (queries.size() > maxQueries) {
      String oldest = queries.keySet().iterator().next();
      queries.remove(oldest);
      relevant.remove(oldest);
    }
    if (pool.size() <= maxPoolDocs) {
      return;
    }
    Set<String> needed = new HashSet<>();
    relevant.values().forEach(needed::addAll);
    Iterator<String> it = pool.keySet().iterator();
    while (pool.size() > maxPoolDocs && it.hasNext()) {
      if (!needed.contains(it.next())) {
        it.remove();
      }
    }
  }

  /** Queries with at least one relevant document in the pool's reach (the ones that can be scored). */
  public int scorableQueries() {
    int n = 0;
    for (Set<String> rel : relevant.values()) {
      n += rel.isEmpty() ? 0 : 1;
    }
    return n;
  }

  /** Query id to text, held-out order, only queries with a relevant document. */
  public Map<String, String> scorableQueryTexts() {
    Map<String, String> out = new LinkedHashMap<>();
    queries.forEach((id, text) -> {
      if (!relevant.get(id).isEmpty()) {
        out.put(id, text);
      }
    });
    return out;
  }

  /** Query id to relevant doc ids. */
  public Map<String, Set<String>> relevant() {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    relevant.forEach((q, r) -> out.put(q, Set.copyOf(r)));
    return out;
  }

  /** Doc id to text, oldest first. */
  public Map<String, String> pool() {
    return java.util.Collections.unmodifiableMap(pool);
  }

  public int queryCount() {
    return queries.size();
  }

  /** Changes whenever the set does; equal revisions mean equal contents within one process. */
  public long revision() {
    return revision;
  }

  public List<Query> queryList() {
    List<Query> out = new ArrayList<>(queries.size());
    queries.forEach((id, text) -> out.add(new Query(id, text, new ArrayList<>(relevant.get(id)))));
    return out;
  }

  public List<Doc> docList() {
    List<Doc> out = new ArrayList<>(pool.size());
    pool.forEach((id, text) -> out.add(new Doc(id, text)));
    return out;
  }
}
