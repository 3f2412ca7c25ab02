package io.lorastream.server.adapters;

import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterManifest;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One verified adapter version, loaded: its signed manifest and the base encoder with it merged in.
 *
 * @param live published after this server caught up with the adapters topic: its swap latency
 *     (publication to first response) is measured; versions replayed at start are not swaps
 */
public final class AdapterVersion {

  private final AdapterManifest manifest;
  private final Instant publishedAt;
  private final Instant activatedAt;
  private final ServedModel merged;
  private final boolean live;
  private final AtomicBoolean served = new AtomicBoolean();

  AdapterVersion(
      AdapterManifest manifest,
      Instant publishedAt,
      Instant activatedAt,
      ServedModel merged,
      boolean live) {
    this.manifest = manifest;
    this.publishedAt = publishedAt;
    this.activatedAt = activatedAt;
    this.merged = merged;
    this.live = live;
  }

  public AdapterKey key() {
    return manifest.key();
  }

  public String adapter() {
    return manifest.adapter();
  }

  public int version() {
    return manifest.version();
  }

  /** The API's name of this version: {@code <adapter>@<version>}, e.g. {@code scifact@3}. */
  public String id() {
    return ModelSpec.versionId(manifest.adapter(), manifest.version());
  }

  public AdapterManifest manifest() {
    return manifest;
  }

  public AdaptationMode mode() {
    return manifest.adaptationMode();
  }

  /** The Kafka record's timestamp: when the trainer published it. */
  public Instant publishedAt() {
    return publishedAt;
  }

  /** When this server had it loaded and swapped in. */
  public Instant activatedAt() {
    return activatedAt;
  }

  ServedModel merged() {
    return merged;
  }

  public boolean live() {
    return live;
  }

  /** True exactly once: for the first response served with this version. */
  boolean markFirstServed() {
    return served.compareAndSet(false, true);
  }
}
