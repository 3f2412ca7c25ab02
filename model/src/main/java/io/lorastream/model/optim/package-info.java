/**
 * The optimizer of LoRA training: AdamW as {@code torch.optim.AdamW}, parameter groups (LoRA+), a
 * learning-rate schedule, and optimizer state that checkpoints to host arrays and resumes exactly.
 */
package io.lorastream.model.optim;
