package io.lorastream.model.serving;

import io.lorastream.model.tokenize.TokenBatch;

/**
 * One model version ready to serve: the base, or the base with one adapter version merged in. Safe
 * to call from several threads. Close it once no call uses it any more.
 */
public interface ServingModel extends AutoCloseable {

  /**
   * Sentence embeddings of a padded batch.
   *
   * @return [B][H] unit vectors, in the batch's order
   */
  float[][] embed(TokenBatch batch);

  @Override
  void close();
}
