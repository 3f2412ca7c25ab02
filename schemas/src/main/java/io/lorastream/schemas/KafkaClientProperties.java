package io.lorastream.schemas;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * Picks, from a service's {@code kafka.*} settings, what one Kafka client reads: its own settings,
 * the settings prefixed for it ({@code producer.}, {@code consumer.}, {@code admin.}, as Kafka
 * Streams names them) and Kafka's config providers ({@code config.providers} and {@code
 * config.providers.<name>.*}), which every client resolves but no client lists among its settings.
 * That way the security settings (and the secrets the providers read from files or the environment)
 * reach every client a service builds, not only its main one.
 */
public final class KafkaClientProperties {

  private KafkaClientProperties() {}

  /** True for {@code config.providers} and {@code config.providers.*}. */
  public static boolean isConfigProvider(String key) {
    return key.equals(AbstractConfig.CONFIG_PROVIDERS_CONFIG)
        || key.startsWith(AbstractConfig.CONFIG_PROVIDERS_CONFIG + ".");
  }

  /**
   * The settings a client with {@code configNames} reads: known names and config providers as they
   * are, then {@code prefix}ed ones with the prefix removed (they win).
   *
   * @param prefix e.g. {@code "producer."}; null for none
   */
  public static Map<String, String> forClient(
      Map<String, String> settings, Set<String> configNames, String prefix) {
    Map<String, String> out = new TreeMap<>();
    settings.forEach(
        (k, v) -> {
          if (configNames.contains(k) || isConfigProvider(k)) {
            out.put(k, v);
          }
        });
    if (prefix != null) {
      settings.forEach(
          (k, v) -> {
            if (k.startsWith(prefix) && configNames.contains(k.substring(prefix.length()))) {
              out.put(k.substring(prefix.length()), v);
            }
          });
    }
    return out;
  }
}
