package io.lorastream.model.serving;

import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.model.tokenize.TokenBatch;

/**
 * Serving on the trainer's own encoder (DJL on PyTorch): any device, fp32 or fp16. An adapter
 * version is a copy of the targeted weights with the adapter merged in ({@link
 * BertEncoder#withMergedAdapter}).
 */
public final class PytorchServingEngine implements ServingEngine {

  private final BertEncoder encoder;
  private final ServingModel base;

  /**
   * @param encoder the base encoder; the engine owns it from now on
   */
  public PytorchServingEngine(BertEncoder encoder) {
    this.encoder = encoder;
    this.base = new Model(encoder, false);
  }

  @Override
  public EngineChoice kind() {
    return EngineChoice.PYTORCH;
  }

  @Override
  public ServingModel base() {
    return base;
  }

  @Override
  public ServingModel withAdapter(AdapterWeights adapter) {
    try (LoraAdapter lora = LoraAdapter.fromWeights(adapter, encoder.manager(), false)) {
      return new Model(encoder.withMergedAdapter(lora), true);
    }
  }

  @Override
  public void close() {
    encoder.close();
  }

  private record Model(BertEncoder encoder, boolean owned) implements ServingModel {
    @Override
    public float[][] embed(TokenBatch batch) {
      return EncoderEmbedder.embedBatch(encoder, batch);
    }

    @Override
    public void close() {
      if (owned) {
        encoder.close();
      }
    }
  }
}
