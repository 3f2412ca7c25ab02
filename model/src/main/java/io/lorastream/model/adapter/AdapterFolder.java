package io.lorastream.model.adapter;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.model.BaseModelId;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.io.AtomicFiles;
import io.lorastream.model.lora.AdapterWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An adapter on disk in Hugging Face PEFT's layout, plus lorastream's manifest:
 *
 * <pre>
 * DIR/adapter_config.json        PEFT's config (peft_type LORA, r, lora_alpha, target_modules, ...)
 * DIR/adapter_model.safetensors  base_model.model.encoder.layer.N.&lt;module&gt;.lora_{A,B}.weight, F32
 * DIR/lorastream_adapter.json    format_version, base model name + sha256, encoder shape, weights sha256,
 *                                and (optional) the adaptation mode: query or both
 * </pre>
 *
 * PEFT ignores the third file; lorastream uses it to refuse an adapter made for another base. A
 * folder without it (an adapter trained with PEFT) loads after shape checks only.
 */
public final class AdapterFolder {

  public static final String MANIFEST_FILE = "lorastream_adapter.json";

  /** Version of {@link #MANIFEST_FILE}'s layout. */
  public static final int FORMAT_VERSION = 1;

  static final String FORMAT_NAME = "lorastream-adapter";

  private AdapterFolder() {}

  /**
   * Saves {@code weights} to {@code dir} (created if needed; the three files are replaced
   * atomically).
   */
  public static void save(Path dir, AdapterWeights weights, BaseModelId base, EncoderConfig encoder)
      throws IOException {
    save(dir, PeftAdapterFiles.encode(weights, base, encoder), base, encoder, null);
  }

  /** Saves {@code weights} and records which side of retrieval the adapter applies to. */
  public static void save(
      Path dir,
      AdapterWeights weights,
      BaseModelId base,
      EncoderConfig encoder,
      AdaptationMode mode)
      throws IOException {
    save(dir, PeftAdapterFiles.encode(weights, base, encoder), base, encoder, mode);
  }

  /** Saves already-encoded PEFT files, e.g. those of a verified adapter record. */
  public static void save(Path dir, PeftAdapterFiles files, BaseModelId base, EncoderConfig encoder)
      throws IOException {
    save(dir, files, base, encoder, null);
  }

  /**
   * Saves already-encoded PEFT files and, when {@code mode} is not null, the adaptation mode (PEFT
   * has no such notion: a folder without it is applied to queries and documents alike).
   */
  public static void save(
      Path dir,
      PeftAdapterFiles files,
      BaseModelId base,
      EncoderConfig encoder,
      AdaptationMode mode)
      throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.write(dir.resolve(PeftAdapterFiles.WEIGHTS_FILE), files.adapterModelSafetensors());
    AtomicFiles.write(dir.resolve(PeftAdapterFiles.CONFIG_FILE), files.adapterConfigJson());
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    m.put("format", FORMAT_NAME);
    m.put("format_version", FORMAT_VERSION);
    m.set("base_model", ManifestJson.base(base));
    m.set("encoder", ManifestJson.encoder(encoder));
    m.put("adapter_model_sha256", files.weightsSha256());
    if (mode != null) {
      m.put("adaptation_mode", mode.configName());
    }
    AtomicFiles.write(dir.resolve(MANIFEST_FILE), Json.pythonStyle(m));
  }

  /**
   * Loads the adapter in {@code dir} for the base model {@code base} with architecture {@code
   * encoder}.
   *
   * @throws AdapterFormatException naming the file and the problem: files missing or malformed,
   *     another base model (manifest hash, or shapes), unsupported PEFT options, missing factors,
   *     rank mismatch, non-finite values
   */
  public static LoadedAdapter load(Path dir, BaseModelId base, EncoderConfig encoder)
      throws IOException {
    Path config = dir.resolve(PeftAdapterFiles.CONFIG_FILE);
    Path weights = dir.resolve(PeftAdapterFiles.WEIGHTS_FILE);
    if (!Files.isDirectory(dir)) {
      throw Json.malformed(
          dir.toString(),
          "no such adapter folder (expected a folder with "
              + PeftAdapterFiles.CONFIG_FILE
              + " and "
              + PeftAdapterFiles.WEIGHTS_FILE
              + ")");
    }
    if (!Files.isRegularFile(config)) {
      throw Json.malformed(
          config.toString(),
          "missing: an adapter folder holds Hugging Face PEFT's "
              + PeftAdapterFiles.CONFIG_FILE
              + " and "
              + PeftAdapterFiles.WEIGHTS_FILE);
    }
    if (!Files.isRegularFile(weights)) {
      boolean pickle = Files.isRegularFile(dir.resolve("adapter_model.bin"));
      throw Json.malformed(
          weights.toString(),
          pickle
              ? "missing; the folder has adapter_model.bin (pickle), which lorastream does not read: re-save it"
                  + " from PEFT with save_pretrained(..., safe_serialization=True)"
              : "missing: an adapter folder holds "
                  + PeftAdapterFiles.CONFIG_FILE
                  + " and "
                  + PeftAdapterFiles.WEIGHTS_FILE);
    }
    PeftAdapterFiles files =
        new PeftAdapterFiles(Files.readAllBytes(config), Files.readAllBytes(weights));

    Path manifest = dir.resolve(MANIFEST_FILE);
    boolean verified = Files.isRegularFile(manifest);
    AdaptationMode mode =
        verified
            ? checkManifest(Files.readAllBytes(manifest), manifest.toString(), files, base, encoder)
            : null;
    LoadedAdapter loaded = files.decode(encoder, config.toString(), weights.toString());
    return verified ? loaded.withBaseVerified(mode) : loaded;
  }

  /** Checks the manifest against the files and the base; returns its adaptation mode, or null. */
  private static AdaptationMode checkManifest(
      byte[] bytes, String source, PeftAdapterFiles files, BaseModelId base, EncoderConfig encoder)
      throws AdapterFormatException {
    ObjectNode m = Json.parseObject(bytes, source);
    String format = Json.text(m, "format", source);
    if (!format.equals(FORMAT_NAME)) {
      throw Json.malformed(source, "format is '" + format + "', expected '" + FORMAT_NAME + "'");
    }
    ManifestJson.checkVersion(m, "format_version", FORMAT_VERSION, "adapter folder", source);
    BaseModelId madeFor = ManifestJson.base(m, "base_model", source);
    if (!madeFor.sha256().equals(base.sha256())) {
      throw new AdapterFormatException(
          RefusalReason.OTHER_BASE_MODEL,
          source
              + ": the adapter was made for base model "
              + madeFor.name()
              + " (sha256 "
              + madeFor.sha256()
              + ") but the loaded base is "
              + base.name()
              + " (sha256 "
              + base.sha256()
              + "); load it with the base it was trained on");
    }
    EncoderConfig madeForEncoder = ManifestJson.encoder(m, "encoder", source);
    if (!madeForEncoder.equals(encoder)) {
      throw new AdapterFormatException(
          RefusalReason.SHAPE_MISMATCH,
          source
              + ": the adapter was made for encoder "
              + madeForEncoder
              + " but the loaded encoder is "
              + encoder);
    }
    String sha = Json.text(m, "adapter_model_sha256", source);
    if (!sha.equals(files.weightsSha256())) {
      throw new AdapterFormatException(
          RefusalReason.CHECKSUM_MISMATCH,
          source
              + ": adapter_model_sha256 is "
              + sha
              + " but "
              + PeftAdapterFiles.WEIGHTS_FILE
              + " hashes to "
              + files.weightsSha256()
              + " (edited or partly copied folder?)");
    }
    if (!m.hasNonNull("adaptation_mode")) {
      return null;
    }
    try {
      return AdaptationMode.parse(m.get("adaptation_mode").asText());
    } catch (IllegalArgumentException e) {
      throw Json.malformed(source, e.getMessage());
    }
  }
}
