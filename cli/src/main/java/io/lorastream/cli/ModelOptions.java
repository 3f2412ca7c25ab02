package io.lorastream.cli;

import io.lorastream.model.EncoderStack;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.tokenize.TextTokenizer;
import java.io.IOException;
import picocli.CommandLine.Option;

/**
 * Options every command that embeds shares: which base model, where, in what precision, how long.
 */
final class ModelOptions {

  @Option(
      names = "--model",
      defaultValue = "default",
      paramLabel = "default|DIR",
      description =
          "Base model: 'default' (bundled all-MiniLM-L6-v2) or a Hugging Face BERT folder. Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(
      names = "--device",
      defaultValue = "auto",
      paramLabel = "auto|cpu|gpu",
      description = "Where the model runs. Default: ${DEFAULT-VALUE}.")
  String device;

  @Option(
      names = "--precision",
      defaultValue = "fp32",
      paramLabel = "fp32|fp16",
      description = "Weights and activations precision. Default: ${DEFAULT-VALUE}.")
  String precision;

  @Option(
      names = "--max-length",
      defaultValue = "" + TextTokenizer.DEFAULT_MAX_LENGTH,
      paramLabel = "N",
      description =
          "Tokens per text; longer texts are truncated (and counted). Default: ${DEFAULT-VALUE}.")
  int maxLength;

  EncoderStack open() throws IOException {
    return EncoderStack.open(
        model, DeviceSetting.parse(device), Precision.parse(precision), maxLength);
  }
}
