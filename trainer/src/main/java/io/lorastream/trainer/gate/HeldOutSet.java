package io.lorastream.trainer.gate;

import io.lorastream.trainer.pairs.BufferedPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One adapter's evaluation set, built from the feedback itself: the held-out queries with the
 * documents users were satisfied with (clicks) or that annotators graded (relevance labels, which
 * win over clicks for the same document), and a pool of every document seen in the adapter's pairs
 * (positives and hard negatives, trained and held out): the texts the gate embeds in {@code both}
 * mode, and the documents it makes sure to rank in {@code query} mode. Bounded: the oldest queries
 * go first, and pool documents no kept query needs go before those it does. Insertion order is
 * kept, so the set rebuilt from a checkpoint equals the one that was saved. Not thread-safe.
 */
public final class HeldOutSet {

  /**
   * A held-out query.
   *
   * @param clicks how many click pairs had each document as their positive, in the order the
   *     documents arrived
   * @param labels grade 0-3 of each document a relevance label judged (grade 0 = judged not
   *     relevant)
   * @param shown ids of the documents its impressions showed (clicked or not): what its clicks
   *     judged
   */
  public record Query(
      String id,
      String text,
      Map<String, Integer> clicks,
      Map<String, Integer> labels,
      List<String> shown) {
    public Query {
      clicks =
          clicks == null
              ? Map.of()
              : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clicks));
      labels =
          labels == null
              ? Map.of()
              : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
      shown = shown == null ? List.of() : List.copyOf(shown);
    }

    /** The documents this query's feedback judged: shown, clicked or labelled. */
    public Set<String> judged() {
      Set<String> out = new java.util.HashSet<>(shown);
      out.addAll(clicks.keySet());
      out.addAll(labels.keySet());
      return out;
    }

    /**
     * Gain of each relevant document: 1 for a click; where a label judged it, grade - 1 (grade 2 =
     * 1, grade 3 = 2, as pairs are positive from grade 2), which wins over clicks; grades 0 and 1
     * are not relevant.
     */
    public Map<String, Double> gains() {
      Map<String, Double> out = new LinkedHashMap<>();
      clicks.keySet().forEach(d -> out.put(d, 1.0));
      labels.forEach(
          (d, grade) -> {
            if (grade >= 2) {
              out.put(d, grade - 1.0);
            } else {
              out.remove(d);
            }
          });
      return out;
    }
  }

  /** Judgments kept per held-out query (the oldest go first). */
  static final int MAX_JUDGMENTS_PER_QUERY = 256;

  /** A pool document. */
  public record Doc(String id, String text) {}

  private final int maxQueries;
  private final int maxPoolDocs;
  private final LinkedHashMap<String, String> queries = new LinkedHashMap<>();
  private final Map<String, LinkedHashMap<String, Integer>> relevant = new LinkedHashMap<>();
  private final Map<String, LinkedHashMap<String, Integer>> labels = new LinkedHashMap<>();
  private final Map<String, LinkedHashSet<String>> shown = new LinkedHashMap<>();
  private final LinkedHashMap<String, String> pool = new LinkedHashMap<>();
  private long revision;

  public HeldOutSet(int maxQueries, int maxPoolDocs) {
    if (maxQueries < 1 || maxPoolDocs < 1) {
      throw new IllegalArgumentException(
          "held-out set bounds must be >= 1, got " + maxQueries + " and " + maxPoolDocs);
    }
    this.maxQueries = maxQueries;
    this.maxPoolDocs = maxPoolDocs;
  }

  /** Restores a set from a checkpoint's lists. */
  public static HeldOutSet of(
      int maxQueries, int maxPoolDocs, List<Query> queries, List<Doc> pool) {
    HeldOutSet s = new HeldOutSet(maxQueries, maxPoolDocs);
    for (Doc d : pool) {
      s.pool.put(d.id(), d.text());
    }
    for (Query q : queries) {
      s.queries.put(q.id(), q.text());
      s.relevant.put(q.id(), new LinkedHashMap<>(q.clicks()));
      s.labels.put(q.id(), new LinkedHashMap<>(q.labels()));
      s.shown.put(q.id(), new LinkedHashSet<>(q.shown()));
    }
    s.trim();
    return s;
  }

  /**
   * Adds a held-out pair: its query (under {@code queryId}), its documents to the pool, the
   * documents its impression showed, and its judgment: a click pair's positive is relevant; a label
   * pair grades its document (label x 3), and its negatives, which the streams app takes from
   * grade-0 labels of the same query, are judged not relevant unless a label says otherwise.
   */
  public void addHeldOut(String queryId, BufferedPair p) {
    addHeldOut(queryId, p, List.of());
  }

  /** {@link #addHeldOut(String, BufferedPair)} with the documents the pair's impression showed. */
  public void addHeldOut(String queryId, BufferedPair p, List<String> shownDocIds) {
    putDocs(p);
    LinkedHashSet<String> seen = shown.computeIfAbsent(queryId, q -> new LinkedHashSet<>());
    for (String d : shownDocIds) {
      if (seen.size() < MAX_JUDGMENTS_PER_QUERY || seen.contains(d)) {
        seen.add(d);
      }
    }
    queries.putIfAbsent(queryId, p.anchor());
    LinkedHashMap<String, Integer> rel =
        relevant.computeIfAbsent(queryId, q -> new LinkedHashMap<>());
    LinkedHashMap<String, Integer> graded =
        labels.computeIfAbsent(queryId, q -> new LinkedHashMap<>());
    if (p.label() == null) {
      rel.merge(p.positiveDocId(), 1, Integer::sum);
    } else {
      graded.remove(p.positiveDocId());
      graded.put(p.positiveDocId(), (int) Math.round(p.label() * 3));
      for (String negative : p.negativeDocIds()) {
        graded.putIfAbsent(negative, 0);
      }
    }
    trimJudgments(rel, graded);
    revision++;
    trim();
  }

  private static void trimJudgments(
      LinkedHashMap<String, Integer> rel, LinkedHashMap<String, Integer> graded) {
    while (rel.size() + graded.size() > MAX_JUDGMENTS_PER_QUERY) {
      Iterator<String> it = (rel.isEmpty() ? graded : rel).keySet().iterator();
      it.next();
      it.remove();
    }
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
  public static boolean isPositive(BufferedPair p) {
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
      labels.remove(oldest);
      shown.remove(oldest);
    }
    if (pool.size() <= maxPoolDocs) {
      return;
    }
    Set<String> needed = new HashSet<>();
    relevant.values().forEach(r -> needed.addAll(r.keySet()));
    labels.values().forEach(l -> needed.addAll(l.keySet()));
    Iterator<String> it = pool.keySet().iterator();
    while (pool.size() > maxPoolDocs && it.hasNext()) {
      if (!needed.contains(it.next())) {
        it.remove();
      }
    }
  }

  /** Queries with at least one relevant document (the ones that can be scored). */
  public int scorableQueries() {
    int n = 0;
    for (String id : queries.keySet()) {
      n += query(id).gains().isEmpty() ? 0 : 1;
    }
    return n;
  }

  /** The scorable queries, held-out order: text and the gain of each relevant document. */
  public List<Query> scorable() {
    List<Query> out = new ArrayList<>();
    for (String id : queries.keySet()) {
      Query q = query(id);
      if (!q.gains().isEmpty()) {
        out.add(q);
      }
    }
    return out;
  }

  /** Query id to text, held-out order, only queries with a relevant document. */
  public Map<String, String> scorableQueryTexts() {
    Map<String, String> out = new LinkedHashMap<>();
    scorable().forEach(q -> out.put(q.id(), q.text()));
    return out;
  }

  /** Query id to the ids of its relevant documents (gain > 0). */
  public Map<String, Set<String>> relevant() {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    queries.keySet().forEach(id -> out.put(id, Set.copyOf(query(id).gains().keySet())));
    return out;
  }

  private Query query(String id) {
    return new Query(
        id,
        queries.get(id),
        relevant.get(id),
        labels.getOrDefault(id, new LinkedHashMap<>()),
        new ArrayList<>(shown.getOrDefault(id, new LinkedHashSet<>())));
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
    queries.keySet().forEach(id -> out.add(query(id)));
    return out;
  }

  public List<Doc> docList() {
    List<Doc> out = new ArrayList<>(pool.size());
    pool.forEach((id, text) -> out.add(new Doc(id, text)));
    return out;
  }
}
