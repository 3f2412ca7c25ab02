/**
 * Training losses on sentence embeddings, as pure functions on DJL {@code NDArray}s.
 *
 * <p>Dimension letters used throughout: B pairs in the batch (one anchor and one positive each), D
 * the embedding width, M hard negatives in the whole batch (0..k per pair, flattened), N = B + M
 * candidate documents. Every loss returns a scalar attached to the anchors' manager; intermediates
 * are attached there too, so callers run a loss inside an {@code NDScope} (or a sub-manager they
 * close) together with the rest of the training step.
 *
 * <p>The math follows sentence-transformers' loss classes of the same names
 * (UKPLab/sentence-transformers, {@code sentence_transformers/losses/}); each class says where it
 * departs and why.
 */
package io.lorastream.model.loss;
