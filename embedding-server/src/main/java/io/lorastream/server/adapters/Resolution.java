package io.lorastream.server.adapters;

/**
 * What a request runs on, with a reference held on {@link #served} until {@link #release}.
 *
 * @param modelId the model the response names, and the {@code X-Lorastream-Model-Version} header:
 *     {@code base} or {@code <adapter>@<version>}
 * @param metricTag the {@code model} tag of request metrics: {@code base} or the adapter's name
 *     (bounded by max-adapters, since only verified adapters are in the catalog)
 * @param served the encoder to run; for documents and a query-mode adapter, the base encoder
 * @param version the adapter version, or null for the base model
 * @param adapted whether the encoder carries the adapter (false for base and for query-mode
 *     documents)
 */
public record Resolution(
    String modelId, String metricTag, ServedModel served, AdapterVersion version, boolean adapted) {

  public void release() {
    served.release();
  }
}
