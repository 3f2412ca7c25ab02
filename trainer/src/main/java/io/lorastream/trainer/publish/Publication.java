package io.lorastream.trainer.publish;

import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.lora.AdapterWeights;

/**
 * An adapter version the gate accepted, encoded and signed, waiting for its transaction.
 *
 * @param manifest what it states about itself
 * @param weights its weights (kept as the new published version once committed)
 * @param value the signed adapters-topic record value
 * @param newestEventMs event time of the newest pair it adds over the previous version, or 0
 */
public record Publication(
    AdapterManifest manifest, AdapterWeights weights, byte[] value, long newestEventMs) {}
