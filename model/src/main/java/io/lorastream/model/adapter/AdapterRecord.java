package io.lorastream.model.adapter;

import java.util.Arrays;

/**
 * The decoded value of one adapters-topic record.
 *
 * @param formatVersion container format version it was written with
 * @param manifest what the version states about itself
 * @param files PEFT's adapter_config.json and adapter_model.safetensors bytes, ready to save as a
 *     folder
 * @param signature Ed25519 signature over the container up to the signature
 */
public record AdapterRecord(
    int formatVersion, AdapterManifest manifest, PeftAdapterFiles files, byte[] signature) {

  public AdapterRecord {
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  public AdapterKey key() {
    return manifest.key();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdapterRecord r
        && formatVersion == r.formatVersion
        && manifest.equals(r.manifest)
        && files.equals(r.files)
        && Arrays.equals(signature, r.signature);
  }

  @Override
  public int hashCode() {
    return manifest.hashCode() * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "AdapterRecord[" + key() + ", format v" + formatVersion + ", " + files + "]";
  }
}
