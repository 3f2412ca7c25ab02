package io.lorastream.model.train;

/**
 * What one optimizer step did.
 *
 * @param step the step number after this step (1 for the first)
 * @param loss the weighted mean loss over the step's pairs, before the update
 * @param pairs pairs in the step
 * @param inBatchAccuracy fraction of anchors whose positive scored highest among the step's
 *     in-batch candidates (positives and hard negatives of its micro-batch)
 * @param tokens real tokens processed (anchors, plus documents when they went through the encoder)
 * @param flops floating-point operations of the forward and backward passes, estimated from the
 *     encoder's shape and the padded token counts
 * @param skipped true when the loss or a gradient was not finite (in mixed precision: also an FP16
 *     overflow, which halves the loss scale) and the update was skipped: weights, moments and step
 *     count are unchanged
 */
public record StepResult(
    long step,
    double loss,
    int pairs,
    double inBatchAccuracy,
    long tokens,
    double flops,
    boolean skipped) {}
