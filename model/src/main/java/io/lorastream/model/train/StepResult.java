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
 * @param skipped true when mixed precision found a non-finite gradient and skipped the update
 */
public record StepResult(long step, double loss, int pairs, double inBatchAccuracy, long tokens, double flops, boolean skipped) {}
