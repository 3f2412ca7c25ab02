package io.lorastream.model.adapter;

import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.lora.LoraTarget;

/** Input and output widths of each adaptable linear of a BERT layer, from the encoder's config. */
public final class AdapterShapes {
  private AdapterShapes() {}

  /** in: H for the attention linears and FFN in, F for FFN out. */
  public static int inFeatures(LoraTarget target, EncoderConfig encoder) {
    return target == LoraTarget.FFN_OUT ? encoder.intermediateSize() : encoder.hiddenSize();
  }

  /** out: H for the attention linears and FFN out, F for FFN in. */
  public static int outFeatures(LoraTarget target, EncoderConfig encoder) {
    return target == LoraTarget.FFN_IN ? encoder.intermediateSize() : encoder.hiddenSize();
  }
}
