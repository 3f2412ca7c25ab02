package io.lorastream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.schemas.KafkaClientProperties;
import io.lorastream.server.config.ServerConfig;
import io.lorastream.server.config.ServerConfigFiles;
import io.lorastream.streams.config.ConfigFiles;
import io.lorastream.trainer.TrainerConfigFiles;
import io.lorastream.trainer.TrainerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import kafka.docker.KafkaDockerWrapper$;
import kafka.server.KafkaConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment's settings files load through the services' own loaders, and their Kafka settings
 * are SASL as a principal of its own, the password through a config provider; the compose broker's
 * environment, turned into broker settings by the apache/kafka image's own code, is a broker config
 * Kafka accepts, with SASL and the authorizer.
 */
class DeployConfigsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"deploy/config", "deploy/docker/config"})
  void eachServiceLogsInAsItsOwnPrincipalWithAPasswordFromAProvider(String dir) throws Exception {
    Map<String, String> streams =
        ConfigFiles.load(ROOT.resolve(dir).resolve("streams.yaml")).runtime().kafka();
    TrainerSettings trainer =
        TrainerConfigFiles.load(
            ROOT.resolve(dir).resolve("trainer.yaml"), Map.of("bootstrap", "kafka:9092"));
    Path pub = tmp.resolve("adapter-signing.pub");
    AdapterKeys.writePublicKey(pub, AdapterKeys.generate().getPublic(), true);
    ServerConfig server =
        ServerConfigFiles.load(
            ROOT.resolve(dir).resolve("server.yaml"),
            Map.of("adapter-public-key", pub.toString()),
            Map.of("LORASTREAM_API_KEYS", "sk-deploy-configs-test-0123456789"));

    Map<String, Map<String, String>> byService =
        Map.of(
            "lorastream-streams",
            streams,
            "lorastream-trainer",
            trainer.kafka(),
            "lorastream-server",
            server.kafkaProperties(),
            "lorastream-admin",
            server.pinKafkaProperties());
    byService.forEach(
        (user, kafka) -> {
          assertThat(kafka.get("security.protocol")).as(dir + " " + user).startsWith("SASL_");
          assertThat(kafka.get("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
          assertThat(kafka.get("sasl.jaas.config"))
              .contains("username=\"" + user + "\"")
              .containsPattern("password=\"\\$\\{(env|dir):");
          assertThat(kafka.keySet().stream().filter(KafkaClientProperties::isConfigProvider))
              .isNotEmpty();
          // a Kafka client accepts them (the provider resolves, or leaves a variable it cannot: no
          // error either way)
          Map<String, Object> p =
              new HashMap<>(
                  KafkaClientProperties.forClient(kafka, ProducerConfig.configNames(), null));
          p.put("bootstrap.servers", "kafka:9092");
          p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
          p.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
          assertThat(new ProducerConfig(p).getString("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        });
  }

  @Test
  void composesBrokerRunsSaslAndTheAuthorizerAndReadsItsPasswordFromTheSecretFile()
      throws Exception {
    JsonNode compose =
        new ObjectMapper(new YAMLFactory())
            .readTree(Files.readString(ROOT.resolve("docker-compose.yml")));
    Map<String, String> env = new TreeMap<>();
    compose
        .path("services")
        .path("kafka")
        .path("environment")
        .fields()
        // compose turns $$ into $; the secret is mounted at /run/secrets, here a temporary
        // directory
        .forEachRemaining(
            e ->
                env.put(
                    e.getKey(),
                    e.getValue()
                        .asText()
                        .replace("$$", "$")
                        .replace("/run/secrets", tmp.toString())));
    Files.writeString(tmp.resolve("kafka-superuser"), "superuser-secret");
    List<String> lines =
        scala.jdk.javaapi.CollectionConverters.asJava(
            KafkaDockerWrapper$.MODULE$.getServerConfigsFromEnv(
                scala.collection.immutable.Map$.MODULE$.from(
                    scala.jdk.javaapi.CollectionConverters.asScala(env))));
    Properties props = new Properties();
    for (String line : lines) {
      int eq = line.indexOf('=');
      props.put(line.substring(0, eq), line.substring(eq + 1));
    }
    props.put("log.dirs", tmp.resolve("data").toString());

    KafkaConfig config = KafkaConfig.fromProps(props, false);
    assertThat(config.getString("authorizer.class.name"))
        .isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    assertThat(config.originals().get("allow.everyone.if.no.acl.found")).isEqualTo("false");
    assertThat(String.valueOf(config.originals().get("listener.security.protocol.map")).split(","))
        .allSatisfy(l -> assertThat(l).contains(":SASL_"));
    assertThat(
            String.valueOf(config.originals().get("listener.name.internal.plain.sasl.jaas.config")))
        .contains("password=\"superuser-secret\"")
        .contains("user_admin=\"superuser-secret\"");
  }
}
