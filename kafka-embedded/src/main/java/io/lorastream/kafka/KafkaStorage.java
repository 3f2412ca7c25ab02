package io.lorastream.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The data directory of the embedded broker: choosing, formatting, recognising and removing it. */
final class KafkaStorage {

  private static final Logger log = LoggerFactory.getLogger(KafkaStorage.class);

  /** Written by the format step; its presence is what makes a directory a formatted log dir. */
  static final String META_PROPERTIES = "meta.properties";

  private KafkaStorage() {}

  static Path createTemporary() {
    try {
      return Files.createTempDirectory("lorastream-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create a temporary Kafka data dir", e);
    }
  }

  /** A caller's dir must be new, empty, or formatted for this broker: never someone's files. */
  static Path prepare(Path requested) {
    Path dir = requested.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
      if (!Files.exists(dir.resolve(META_PROPERTIES))) {
        try (Stream<Path> entries = Files.list(dir)) {
          if (entries.findAny().isPresent()) {
            throw new IllegalArgumentException(
                "Kafka data dir "
                    + dir
                    + " is not empty and holds no Kafka "
                    + META_PROPERTIES
                    + "; pass a new or empty directory");
          }
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not use Kafka data dir " + dir + ": " + e, e);
    }
  }

  /**
   * Does what {@code kafka-storage.sh format} does, through the same {@link Formatter}, unless the
   * directory is formatted already; returns the cluster id stored in it.
   *
   * @param clusterId the id to format with (every node of a cluster shares one); null for a new one
   */
  static String formatIfNeeded(KafkaConfig config, Path dataDir, int nodeId, String clusterId) {
    Path meta = dataDir.resolve(META_PROPERTIES);
    if (Files.exists(meta)) {
      String stored = readClusterId(meta, nodeId);
      if (clusterId != null && !clusterId.equals(stored)) {
        throw new IllegalArgumentException(
            meta
                + " belongs to cluster "
                + stored
                + ", not to cluster "
                + clusterId
                + "; use another dir");
      }
      return stored;
    }
    if (clusterId == null) {
      clusterId = Uuid.randomUuid().toString();
    }
    try {
      new Formatter()
          // The formatter narrates on System.out, which the broker command keeps for its address.
          .setPrintStream(
              new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
          .setNodeId(config.nodeId())
          .setClusterId(clusterId)
          .setUnstableFeatureVersionsEnabled(config.unstableFeatureVersionsEnabled())
          .setControllerListenerName(config.controllerListenerNames().get(0))
          .setMetadataLogDirectory(config.metadataLogDir())
          .addDirectory(dataDir.toString())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "Could not format Kafka storage in " + dataDir + ": " + e.getMessage(), e);
    }
    log.debug("Formatted {} for cluster {}", dataDir, clusterId);
    return clusterId;
  }

  static void deleteQuietly(Path dir) {
    try {
      Utils.delete(dir.toFile());
    } catch (IOException e) {
      log.warn("Could not delete Kafka data dir {}: {}", dir, e.toString());
    }
  }

  private static String readClusterId(Path meta, int nodeId) {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + meta, e);
    }
    String id = props.getProperty("cluster.id");
    String node = props.getProperty("node.id");
    if (id == null || node == null) {
      throw new IllegalArgumentException(
          meta + " is not a KRaft meta.properties (no cluster.id or node.id); use an empty dir");
    }
    if (!Integer.toString(nodeId).equals(node.trim())) {
      throw new IllegalArgumentException(
          meta
              + " belongs to node "
              + node.trim()
              + ", not to node "
              + nodeId
              + "; use another dir");
    }
    return id.trim();
  }
}
