package io.lorastream.cli.demo;

import io.lorastream.bench.users.UserModel;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.BeirDocument;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.eval.ExactSearch;
import io.lorastream.model.eval.ScoredDoc;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The simulated search application: it indexes the corpus through the embedding server, answers
 * train queries with the served model (top 10), and lets simulated users click on the results,
 * producing search events and interactions to Kafka. Queries are answered in small groups (one
 * embeddings call each) at a bounded rate, so the trainer and server keep CPU for themselves.
 */
final class SearchFrontEnd {

  private static final int QUERIES_PER_CALL = 4;

  private final BeirDataset data;
  private final Map<String, Set<String>> trainRelevant;
  private final List<String> trainQueryIds;
  private final ServerClient client;
  private final FeedbackProducer producer;
  private final UserModel user;
  private final SplittableRandom random;
  private final AtomicLong searches = new AtomicLong();

  SearchFrontEnd(
      BeirDataset data, ServerClient client, FeedbackProducer producer, UserModel user, long seed) {
    this.data = data;
    this.trainRelevant = data.relevantDocs(data.qrels("train"));
    this.trainQueryIds = new ArrayList<>(trainRelevant.keySet());
    this.client = client;
    this.producer = producer;
    this.user = user;
    this.random = new SplittableRandom(seed);
  }

  long searches() {
    return searches.get();
  }

  /**
   * Publishes every corpus document to the documents topic (the streams app resolves texts from
   * it).
   */
  void publishDocuments() {
    Instant now = Instant.now();
    for (BeirDocument d : data.corpus().values()) {
      producer.document(d.id(), d.title(), d.text(), now);
    }
    producer.flush();
  }

  /**
   * Embeds the corpus through the server, as the documents side of {@code model}.
   *
   * @param progress called with the number of documents done
   */
  EmbeddingMatrix index(String model, LongConsumer progress)
      throws IOException, InterruptedException {
    List<BeirDocument> docs = new ArrayList<>(data.corpus().values());
    List<String> ids = new ArrayList<>(docs.size());
    float[][] vectors = new float[docs.size()][];
    int batch = 32;
    for (int from = 0; from < docs.size(); from += batch) {
      List<BeirDocument> slice = docs.subList(from, Math.min(docs.size(), from + batch));
      float[][] v =
          client
              .embed(slice.stream().map(BeirDocument::embeddingText).toList(), model, "document")
              .vectors();
      for (int i = 0; i < slice.size(); i++) {
        ids.add(slice.get(i).id());
        vectors[from + i] = v[i];
      }
      progress.accept(Math.min(docs.size(), from + batch));
    }
    return EmbeddingMatrix.of(ids, vectors);
  }

  /**
   * Serves searches until {@code deadlineNanos} (System.nanoTime) or interruption.
   *
   * @param model the model queries are embedded with ({@code base} until the adapter has a version)
   * @param index the document vectors to search
   * @param searchesPerSecond the rate of simulated searches
   */
  void run(
      Supplier<String> model,
      Supplier<EmbeddingMatrix> index,
      double searchesPerSecond,
      long deadlineNanos)
      throws IOException, InterruptedException {
    long intervalNanos = (long) (1e9 * QUERIES_PER_CALL / searchesPerSecond);
    long next = System.nanoTime();
    while (System.nanoTime() - deadlineNanos < 0 && !Thread.currentThread().isInterrupted()) {
      List<String> qids = new ArrayList<>(QUERIES_PER_CALL);
      for (int i = 0; i < QUERIES_PER_CALL; i++) {
        qids.add(trainQueryIds.get(random.nextInt(trainQueryIds.size())));
      }
      List<String> texts = qids.stream().map(q -> data.queries().get(q).text()).toList();
      ServerClient.Embeddings e = client.embed(texts, model.get(), "query");
      List<List<ScoredDoc>> rankings = ExactSearch.topK(e.vectors(), index.get(), 10);
      Instant now = Instant.now();
      for (int i = 0; i < qids.size(); i++) {
        List<ScoredDoc> ranking = rankings.get(i);
        List<String> shown = ranking.stream().map(ScoredDoc::docId).toList();
        float[] scores = new float[ranking.size()];
        for (int r = 0; r < scores.length; r++) {
          scores[r] = ranking.get(r).score();
        }
        List<UserModel.Action> actions = user.act(shown, trainRelevant.get(qids.get(i)), random);
        producer.impression(
            now,
            "session-" + random.nextInt(1 << 20),
            texts.get(i),
            qids.get(i),
            shown,
            scores,
            e.version(),
            actions);
        searches.incrementAndGet();
      }
      next += intervalNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      } else {
        next = System.nanoTime();
      }
    }
  }
}
