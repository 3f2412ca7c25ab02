package io.lorastream.model.eval;

/** Told how many of the texts an evaluation has to embed are done, e.g. to draw a progress bar. */
@FunctionalInterface
public interface ProgressListener {

  /** A listener that ignores progress. */
  ProgressListener NONE = (done, total) -> {};

  /**
   * Called after each embedded chunk, from the evaluating thread; {@code done} only grows and
   * reaches {@code total} at the end.
   *
   * @param done texts embedded so far
   * @param total texts to embed in this evaluation (corpus texts not in the cache, plus queries)
   */
  void onProgress(long done, long total);
}
