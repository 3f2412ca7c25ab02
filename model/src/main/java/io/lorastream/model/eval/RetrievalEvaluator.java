package io.lorastream.model.eval;

import io.lorastream.model.Embedder;
import io.lorastream.model.InputType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores an {@link Embedder} on retrieval the way sentence-transformers'
 * InformationRetrievalEvaluator does: embed documents and queries, rank every document for every
 * query by cosine similarity, and average the metrics of {@link RetrievalMetrics} over the queries
 * that have a relevant document.
 *
 * <p>Two entry points: a BEIR split ({@link #evaluate(BeirDataset, String)}), whose corpus
 * embeddings come from the {@link EmbeddingCache} when one is configured; and held-out queries
 * against any pool of already-embedded documents ({@link #evaluate(Map, Map, EmbeddingMatrix)}),
 * which is what a training quality gate needs. The ranking and scoring core, free of any embedder,
 * is {@link #scoreQueries}.
 */
public final class RetrievalEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(RetrievalEvaluator.class);

  private final Embedder embedder;
  private final EmbeddingCache cache;
  private final String embedderFingerprint;
  private final List<MetricAt> metrics;
  private final int chunkSize;
  private final ProgressListener progress;

  private RetrievalEvaluator(Builder b) {
    this.embedder = b.embedder;
    this.cache = b.cache;
    this.embedderFingerprint = b.embedderFingerprint;
    this.metrics = b.metrics;
    this.chunkSize = b.chunkSize;
    this.progress = b.progress;
  }

  public static Builder builder(Embedder embedder) {
    return new Builder(embedder);
  }

  /**
   * Evaluates a split: the corpus (title + " " + text, see {@link BeirDocument#embeddingText()})
   * embedded as {@link InputType#DOCUMENT}, the split's queries as {@link InputType#QUERY}.
   *
   * @throws DatasetException if the split's qrels are missing or malformed
   */
  public RetrievalResult evaluate(BeirDataset dataset, String split) {
    Qrels qrels = dataset.qrels(split);
    Map<String, Set<String>> relevant = dataset.relevantDocs(qrels);
    int skipped = qrels.scores().size() - relevant.size();
    List<String> unknown = dataset.unknownQueryIds(qrels);
    if (!unknown.isEmpty()) {
      LOG.warn(
          "{} queries judged in split '{}' are missing from queries.jsonl and are skipped, e.g. {}",
          unknown.size(),
          split,
          unknown.subList(0, Math.min(5, unknown.size())));
    }
    if (relevant.isEmpty()) {
      throw new DatasetException(
          "split '"
              + split
              + "' of "
              + dataset.folder()
              + " has no query with a relevant document (score > 0) that queries.jsonl knows");
    }
    List<String> queryIds = new ArrayList<>(relevant.keySet());
    List<String> queryTexts = queryIds.stream().map(q -> dataset.queries().get(q).text()).toList();

    Optional<EmbeddingMatrix> cached = cachedCorpus(dataset);
    long total = queryTexts.size() + (cached.isPresent() ? 0 : dataset.corpus().size());
    Counter counter = new Counter(total);
    EmbeddingMatrix corpus = cached.orElseGet(() -> computeCorpus(dataset, counter));
    float[][] queryVectors = embedAll(queryTexts, InputType.QUERY, counter);

    List<QueryResult> results = scoreQueries(queryIds, queryVectors, relevant, corpus, metrics);
    return new RetrievalResult(
        summarize(results), results, corpus.size(), skipped, cached.isPresent());
  }

  /**
   * Evaluates queries against a given document pool, e.g. held-out feedback queries against the
   * documents seen in impressions. Relevant documents absent from the pool still count in recall's
   * and nDCG's denominators, as in ST.
   *
   * @param queries query id -> text; evaluation order is the map's iteration order
   * @param relevant query id -> relevant document ids; queries with none are skipped (counted)
   * @param pool the document embeddings to search, unit length
   */
  public RetrievalResult evaluate(
      Map<String, String> queries, Map<String, Set<String>> relevant, EmbeddingMatrix pool) {
    List<String> queryIds =
        queries.keySet().stream()
            .filter(q -> !relevant.getOrDefault(q, Set.of()).isEmpty())
            .toList();
    if (queryIds.isEmpty()) {
      throw new IllegalArgumentException(
          "none of the "
              + queries.size()
              + " queries has a relevant document; nothing to evaluate");
    }
    List<String> texts = queryIds.stream().map(queries::get).toList();
    float[][] vectors = embedAll(texts, InputType.QUERY, new Counter(texts.size()));
    List<QueryResult> results = scoreQueries(queryIds, vectors, relevant, pool, metrics);
    return new RetrievalResult(
        summarize(results), results, pool.size(), queries.size() - queryIds.size(), false);
  }

  /** {@link #evaluate(Map, Map, EmbeddingMatrix)} for a pool keyed by document id. */
  public RetrievalResult evaluate(
      Map<String, String> queries, Map<String, Set<String>> relevant, Map<String, float[]> pool) {
    return evaluate(queries, relevant, EmbeddingMatrix.of(pool));
  }

  /** The corpus embeddings, from the cache when possible (and stored there otherwise). */
  public EmbeddingMatrix embedCorpus(BeirDataset dataset) {
    return cachedCorpus(dataset)
        .orElseGet(() -> computeCorpus(dataset, new Counter(dataset.corpus().size())));
  }

  /**
   * Ranks {@code pool} for each query vector and scores the rankings: the embedder-free core.
   *
   * @param queryIds ids of the queries, one per vector
   * @param queryVectors {@code [Q][D]}, unit length
   * @param relevant query id -> relevant document ids; each evaluated query needs at least one
   * @param pool {@code [N, D]} documents
   * @param metrics what to compute; rankings keep the largest cut-off's number of documents
   */
  public static List<QueryResult> scoreQueries(
      List<String> queryIds,
      float[][] queryVectors,
      Map<String, Set<String>> relevant,
      EmbeddingMatrix pool,
      Collection<MetricAt> metrics) {
    if (queryIds.size() != queryVectors.length) {
      throw new IllegalArgumentException(
          queryIds.size() + " query ids but " + queryVectors.length + " vectors");
    }
    List<List<ScoredDoc>> rankings =
        ExactSearch.topK(queryVectors, pool, RetrievalMetrics.maxK(metrics));
    List<QueryResult> out = new ArrayList<>(queryIds.size());
    for (int q = 0; q < queryIds.size(); q++) {
      String id = queryIds.get(q);
      Set<String> rel = relevant.getOrDefault(id, Set.of());
      if (rel.isEmpty()) {
        throw new IllegalArgumentException(
            "query '" + id + "' has no relevant document; leave it out");
      }
      List<String> ranked = rankings.get(q).stream().map(ScoredDoc::docId).toList();
      out.add(
          new QueryResult(id, rankings.get(q), RetrievalMetrics.forQuery(ranked, rel, metrics)));
    }
    return out;
  }

  private static RetrievalScores summarize(List<QueryResult> results) {
    return new RetrievalScores(
        RetrievalMetrics.mean(results.stream().map(QueryResult::metrics).toList()), results.size());
  }

  private Optional<EmbeddingMatrix> cachedCorpus(BeirDataset dataset) {
    if (cache == null) {
      return Optional.empty();
    }
    Optional<EmbeddingMatrix> hit = cache.load(corpusKey(dataset));
    if (hit.isPresent() && !hit.get().ids().equals(List.copyOf(dataset.corpus().keySet()))) {
      LOG.warn(
          "embedding cache file {} lists other document ids than {}; recomputing",
          cache.fileFor(corpusKey(dataset)),
          dataset.folder());
      return Optional.empty();
    }
    if (hit.isPresent() && hit.get().dimension() != embedder.dimension()) {
      LOG.warn(
          "embedding cache file {} holds {}-d vectors but the embedder makes {}-d; recomputing",
          cache.fileFor(corpusKey(dataset)),
          hit.get().dimension(),
          embedder.dimension());
      return Optional.empty();
    }
    return hit;
  }

  private EmbeddingMatrix computeCorpus(BeirDataset dataset, Counter counter) {
    List<String> ids = List.copyOf(dataset.corpus().keySet());
    List<String> texts =
        dataset.corpus().values().stream().map(BeirDocument::embeddingText).toList();
    EmbeddingMatrix matrix = EmbeddingMatrix.of(ids, embedAll(texts, InputType.DOCUMENT, counter));
    if (cache != null) {
      cache.store(corpusKey(dataset), matrix);
    }
    return matrix;
  }

  private EmbeddingCache.Key corpusKey(BeirDataset dataset) {
    return new EmbeddingCache.Key(embedderFingerprint, dataset.corpusSha256());
  }

  /**
   * Embeds in chunks, longest texts first so each chunk's batches pad little; results in input
   * order. Vectors are re-normalised (a no-op for a correct Embedder) so scores are cosines, as in
   * ST.
   */
  private float[][] embedAll(List<String> texts, InputType type, Counter counter) {
    int[] order =
        IntStream.range(0, texts.size())
            .boxed()
            .sorted(Comparator.comparingInt((Integer i) -> texts.get(i).length()).reversed())
            .mapToInt(Integer::intValue)
            .toArray();
    int d = embedder.dimension();
    float[][] out = new float[texts.size()][];
    for (int start = 0; start < order.length; start += chunkSize) {
      int end = Math.min(order.length, start + chunkSize);
      List<String> chunk = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        chunk.add(texts.get(order[i]));
      }
      float[][] vectors = embedder.embed(chunk, type);
      if (vectors.length != chunk.size()) {
        throw new IllegalStateException(
            "embedder returned " + vectors.length + " vectors for " + chunk.size() + " texts");
      }
      for (int r = 0; r < vectors.length; r++) {
        out[order[start + r]] = normalized(vectors[r], d, chunk.get(r));
      }
      counter.add(chunk.size());
    }
    return out;
  }

  private static float[] normalized(float[] v, int d, String text) {
    if (v.length != d) {
      throw new IllegalStateException(
          "embedder returned a " + v.length + "-d vector, its dimension() is " + d);
    }
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    double norm = Math.sqrt(sq);
    if (!(norm > 0) || Double.isInfinite(norm)) {
      throw new IllegalStateException(
          "embedder returned a zero or non-finite vector for text '"
              + text.substring(0, Math.min(60, text.length()))
              + "'");
    }
    float[] out = new float[d];
    for (int i = 0; i < d; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }

  /** Counts embedded texts for the progress listener. */
  private final class Counter {
    private final long total;
    private long done;

    Counter(long total) {
      this.total = total;
    }

    void add(int n) {
      done += n;
      progress.onProgress(done, total);
    }
  }

  /** Options of a {@link RetrievalEvaluator}; {@code optX} are optional. */
  public static final class Builder {
    private final Embedder embedder;
    private EmbeddingCache cache;
    private String embedderFingerprint;
    private List<MetricAt> metrics = RetrievalMetrics.DEFAULT_METRICS;
    private int chunkSize = 256;
    private ProgressListener progress = ProgressListener.NONE;

    private Builder(Embedder embedder) {
      if (embedder == null) {
        throw new IllegalArgumentException("embedder must not be null");
      }
      this.embedder = embedder;
    }

    /**
     * Keeps corpus embeddings in {@code cache} under {@code embedderFingerprint}, which must change
     * whenever the embedder's vectors would (base weights, max length, adapter).
     */
    public Builder optCache(EmbeddingCache cache, String embedderFingerprint) {
      if (cache == null || embedderFingerprint == null || embedderFingerprint.isBlank()) {
        throw new IllegalArgumentException(
            "optCache needs a cache and a non-blank embedder fingerprint");
      }
      this.cache = cache;
      this.embedderFingerprint = embedderFingerprint;
      return this;
    }

    /** The metrics to compute (default {@link RetrievalMetrics#DEFAULT_METRICS}). */
    public Builder optMetrics(Collection<MetricAt> metrics) {
      if (metrics == null || metrics.isEmpty()) {
        throw new IllegalArgumentException("metrics must name at least one metric");
      }
      this.metrics = List.copyOf(metrics);
      return this;
    }

    /** Texts per {@link Embedder#embed} call, and so per progress update (default 256). */
    public Builder optChunkSize(int chunkSize) {
      if (chunkSize < 1) {
        throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
      }
      this.chunkSize = chunkSize;
      return this;
    }

    public Builder optProgress(ProgressListener progress) {
      if (progress == null) {
        throw new IllegalArgumentException("progress must not be null (use ProgressListener.NONE)");
      }
      this.progress = progress;
      return this;
    }

    public RetrievalEvaluator build() {
      return new RetrievalEvaluator(this);
    }
  }
}
