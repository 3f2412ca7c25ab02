import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.InputStream;
import java.util.Map;

/**
 * Run once while the image is built: loads the PyTorch engine and the tokenizer so that DJL unpacks (CPU image) or
 * downloads (GPU image, PYTORCH_FLAVOR set) their native libraries into DJL_CACHE_DIR. Containers then start with
 * -Dai.djl.offline=true and a read-only cache, and no container unpacks 450 MB on start.
 */
public final class WarmNatives {
  private WarmNatives() {}

  public static void main(String[] args) throws Exception {
    Engine engine = Engine.getEngine("PyTorch");
    System.out.println("PyTorch " + engine.getVersion() + " ready; GPUs visible now: " + engine.getGpuCount());
    try (InputStream json = WarmNatives.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      if (json == null) {
        throw new IllegalStateException("all-minilm-l6-v2-tokenizer.json is not on the classpath");
      }
      try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of())) {
        System.out.println("tokenizer ready: " + tokenizer.encode("warm up").getTokens().length + " tokens");
      }
    }
  }
}
