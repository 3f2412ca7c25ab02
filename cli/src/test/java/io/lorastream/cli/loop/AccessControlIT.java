package io.lorastream.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.cli.LorastreamCommand;
import io.lorastream.cli.acl.AccessPolicy;
import io.lorastream.kafka.BrokerSecurity;
import io.lorastream.kafka.EmbeddedKafkaBroker;
import io.lorastream.kafka.EmbeddedKafkaConfig;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.PairIds;
import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.SchemaVersion;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.TrainerListener;
import io.lorastream.trainer.checkpoint.AdapterCheckpoint;
import io.lorastream.trainer.gate.HeldOutSlice;
import io.lorastream.trainer.pairs.BufferedPair;
import io.lorastream.trainer.pairs.PairLedger;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The loop on a broker with SASL/SCRAM and ACLs, set up as an operator would: {@code lorastream
 * acls --apply} (as the cluster's admin, its password read from a file by Kafka's
 * DirectoryConfigProvider) creates the principals' SCRAM credentials, the topics and the documented
 * ACLs; then the streams app, the trainer and the server each run as their own principal, reading
 * their passwords from files the same way. Feedback goes in as the front-end's principal and a
 * trained version comes out of the server. A principal without the grant is refused on every topic
 * that steers the loop, and nothing it sent reaches a topic, the server or the trainer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessControlIT {

  private static final int LABELS = 60;
  private static final String ROGUE = "mallory";

  @TempDir static Path dir;
  static EmbeddedKafkaBroker kafka;
  static BrokerSecurity security;
  static Path secrets;
  static Loop loop;
  static final TopicNames TOPICS = TopicNames.DEFAULT;
  static final AccessPolicy POLICY = AccessPolicy.DEFAULT;
  static final List<String> labelIds = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    long t0 = System.nanoTime();
    security =
        new BrokerSecurity(
            "admin",
            BrokerSecurity.randomPassword(),
            Map.of(ROGUE, BrokerSecurity.randomPassword()));
    kafka = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.defaults().withSecurity(security));

    // one password file per principal, named after its user: what --scram-passwords and the
    // services read
    secrets = Files.createDirectories(dir.resolve("secrets"));
    for (String principal : POLICY.principals().byRole().values()) {
      String user = principal.substring("User:".length());
      // no trailing line break: the DirectoryConfigProvider passes a file on as it is
      Files.writeString(secrets.resolve(user), BrokerSecurity.randomPassword());
    }
    Path adminSecrets = Files.createDirectories(dir.resolve("admin-secrets"));
    Files.writeString(adminSecrets.resolve("admin"), security.adminPassword());
    Path commandConfig = dir.resolve("admin.properties");
    StringBuilder admin = new StringBuilder();
    scramFromFile("admin", adminSecrets)
        .forEach((k, v) -> admin.append(k).append('=').append(v).append('\n'));
    Files.writeString(commandConfig, admin.toString());

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new LorastreamCommand())
            .setOut(new java.io.PrintWriter(out))
            .setErr(new java.io.PrintWriter(err))
            .execute(
                "acls",
                "--apply",
                "--bootstrap",
                kafka.bootstrapServers(),
                "--command-config",
                commandConfig.toString(),
                "--scram-passwords",
                secrets.toString(),
                "--create-topics",
                "--partitions",
                "1");
    assertThat(exit).as("acls --apply: %s", err).isZero();
    assertThat(err.toString())
        .contains(
            "SCRAM-SHA-512 credentials set for [lorastream-admin, lorastream-frontend,"
                + " lorastream-server, lorastream-streams, lorastream-trainer]")
        .contains(POLICY.bindings().size() + " ACLs");

    loop =
        Loop.start(
            new Loop.Settings(
                kafka.bootstrapServers(),
                dir,
                1,
                scramFromFile("lorastream-streams", secrets),
                scramFromFile("lorastream-trainer", secrets),
                scramFromFile("lorastream-server", secrets),
                scramFromFile("lorastream-admin", secrets),
                Map.of(),
                new TrainerListener() {}));
    System.out.printf(
        "AccessControlIT: broker, acls and services up in %.1f s%n",
        (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stop() {
    if (loop != null) {
      loop.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /**
   * A service's {@code kafka.*} settings: SCRAM as {@code user}, the password read from {@code
   * dir/user}.
   */
  static Map<String, String> scramFromFile(String user, Path dir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_PLAINTEXT");
    p.put("sasl.mechanism", "SCRAM-SHA-512");
    p.put("config.providers", "dir");
    p.put(
        "config.providers.dir.class",
        "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
    p.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\"${dir:"
            + dir.toAbsolutePath()
            + ":"
            + user
            + "}\";");
    return p;
  }

  @Test
  @Order(1)
  void theLoopRunsEndToEndWithEachServiceAsItsOwnPrincipal() throws Exception {
    long t0 = System.nanoTime();
    BeirDataset data = LabelFeedback.scifact();
    List<LabelFeedback.Judgment> judgments = LabelFeedback.judgments(data, LABELS);
    try (LabelFeedback feedback =
        new LabelFeedback(
            kafka.bootstrapServers(), scramFromFile("lorastream-frontend", secrets), TOPICS)) {
      feedback.documents(data, judgments);
      for (LabelFeedback.Judgment j : judgments) {
        String id = UUID.randomUUID().toString();
        labelIds.add(id);
        feedback.label(j, id);
      }
      feedback.flush();
    }

    await(
        "a trained version served",
        Duration.ofMinutes(3),
        () -> servingVersion() > 0 || loop.trainerFailure() != null);
    assertThat(loop.trainerFailure()).isNull();
    HttpResponse<String> embedded =
        post(
            "/v1/embeddings",
            "{\"input\": [\"does smoking cause cancer\"], \"model\": \"" + Loop.ADAPTER + "\"}",
            null);
    assertThat(embedded.statusCode()).isEqualTo(200);
    assertThat(embedded.headers().firstValue("X-Lorastream-Model-Version").orElseThrow())
        .startsWith(Loop.ADAPTER + "@");

    // every label became one pair, written by the streams app's principal
    await("a pair per label", Duration.ofMinutes(1), () -> pairs().size() >= LABELS);
    assertThat(pairs())
        .hasSize(LABELS)
        .extracting(p -> p.sourceEventIds().get(0))
        .containsExactlyInAnyOrderElementsOf(labelIds);

    // the admin API publishes pins as the admin principal (admin-kafka.*): the server's own may
    // only read them
    int version = servingVersion();
    HttpResponse<String> pinned =
        post(
            "/admin/adapters/" + Loop.ADAPTER + "/pin",
            "{\"version\": " + version + "}",
            "admin-key-of-the-test");
    assertThat(pinned.statusCode()).as(pinned.body()).isEqualTo(200);
    HttpResponse<String> unpinned =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        loop.serverUri().resolve("/admin/adapters/" + Loop.ADAPTER + "/pin"))
                    .header("Authorization", "Bearer admin-key-of-the-test")
                    .DELETE()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(unpinned.statusCode()).as(unpinned.body()).isEqualTo(200);
    System.out.printf(
        "AccessControlIT: first version served %.1f s after the feedback%n",
        (System.nanoTime() - t0) / 1e9);
  }

  @Test
  @Order(2)
  void aPrincipalWithoutTheGrantIsRefusedAndNothingItSentIsServedOrTrainedOn() throws Exception {
    String poisoned = "mallory's poisoned query";
    String forgedPairId = PairIds.of(PairKind.LABEL, List.of("mallory-1"), "31715818", List.of());
    TrainingPair forged =
        new TrainingPair(
            SchemaVersion.CURRENT,
            forgedPairId,
            PairKind.LABEL,
            Loop.ADAPTER,
            Loop.TENANT,
            poisoned,
            "a passage mallory wants near her query",
            "31715818",
            List.of(),
            List.of(),
            1.0,
            1.0,
            List.of("mallory-1"),
            Instant.now(),
            null,
            null,
            List.of());
    byte[] forgedPair = EventCodecs.create(TextLimits.DEFAULTS).trainingPairs().encode(forged);
    byte[] forgedPin =
        ("{\"adapter\":\"" + Loop.ADAPTER + "\",\"version\":1,\"action\":\"pin\"}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] junk = "not an adapter".getBytes(StandardCharsets.UTF_8);
    Map<String, Object> rogue = new HashMap<>(security.clientProperties(ROGUE));

    // an idempotent producer (the default) is refused by the topic or, having no write grant
    // anywhere, the cluster
    try (KafkaProducer<String, byte[]> p = producer(rogue)) {
      assertThatThrownBy(
              () ->
                  p.send(new ProducerRecord<>(TOPICS.adapters(), Loop.ADAPTER + "@999", junk))
                      .get())
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(AuthorizationException.class);
    }
    // a plain one is refused on each topic
    assertRefused(rogue, TOPICS.adapters(), Loop.ADAPTER + "@999", junk);
    assertRefused(rogue, TOPICS.trainerCheckpoints(), Loop.ADAPTER, junk);
    assertRefused(rogue, TOPICS.adapterPins(), Loop.ADAPTER, forgedPin);
    assertRefused(rogue, TOPICS.trainingPairs(), Loop.ADAPTER, forgedPair);
    // the services' own principals may not write what is not theirs either
    assertRefused(clientProps("lorastream-server"), TOPICS.adapters(), Loop.ADAPTER + "@999", junk);
    assertRefused(clientProps("lorastream-server"), TOPICS.adapterPins(), Loop.ADAPTER, forgedPin);
    assertRefused(
        clientProps("lorastream-streams"), TOPICS.adapters(), Loop.ADAPTER + "@999", junk);
    assertRefused(
        clientProps("lorastream-frontend"), TOPICS.trainingPairs(), Loop.ADAPTER, forgedPair);
    assertRefused(clientProps("lorastream-trainer"), TOPICS.adapterPins(), Loop.ADAPTER, forgedPin);
    // nor take the trainer's transactional id (which would fence it)
    Map<String, Object> tx = new HashMap<>(rogue);
    tx.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lorastream-trainer-loop");
    try (KafkaProducer<String, byte[]> p = producer(tx)) {
      assertThatThrownBy(p::initTransactions)
          .isInstanceOf(TransactionalIdAuthorizationException.class);
    }

    // nothing mallory sent landed, so nothing of it is served
    Map<String, Object> admin = security.adminClientProperties();
    assertThat(Topics.readAll(kafka.bootstrapServers(), admin, TOPICS.adapters()))
        .extracting(ConsumerRecord::key)
        .doesNotContain(Loop.ADAPTER + "@999");
    assertThat(Topics.readAll(kafka.bootstrapServers(), admin, TOPICS.adapterPins()))
        .extracting(r -> r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8))
        .noneMatch(v -> v.contains("\"version\":1,\"action\":\"pin\""));
    assertThat(pairs()).extracting(TrainingPair::pairId).doesNotContain(forgedPairId);
    assertThat(pairs()).extracting(TrainingPair::anchor).doesNotContain(poisoned);
    assertThat(servingVersion()).isPositive();

    // ... nor trained on: the trainer's ledger holds exactly the front-end's trainable pairs
    loop.stopTrainer();
    assertThat(loop.trainerFailure()).isNull();
    AdapterCheckpoint last = null;
    for (ConsumerRecord<String, byte[]> r :
        Topics.readAll(kafka.bootstrapServers(), admin, TOPICS.trainerCheckpoints())) {
      if (r.value() != null && Loop.ADAPTER.equals(r.key())) {
        last = loop.checkpoint(r);
      }
    }
    assertThat(last).as("a checkpoint of " + Loop.ADAPTER).isNotNull();
    Set<String> pending =
        last.pending().stream().map(BufferedPair::pairId).collect(Collectors.toSet());
    List<String> trained =
        pairs().stream()
            .filter(
                p ->
                    !HeldOutSlice.isHeldOut(
                        p.tenant(), p.anchor(), loop.trainerSettings().holdoutFraction()))
            .map(TrainingPair::pairId)
            .filter(id -> !pending.contains(id))
            .toList();
    assertThat(last.ledger()).isEqualTo(PairLedger.of(trained));
  }

  /**
   * A producer without idempotence (which needs no cluster-level grant) is refused by the topic's
   * ACLs.
   */
  private static void assertRefused(
      Map<String, Object> client, String topic, String key, byte[] value) {
    Map<String, Object> plain = new HashMap<>(client);
    plain.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    plain.put(ProducerConfig.ACKS_CONFIG, "1");
    try (KafkaProducer<String, byte[]> p = producer(plain)) {
      assertThatThrownBy(() -> p.send(new ProducerRecord<>(topic, key, value)).get())
          .as("a write to %s", topic)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  private static Map<String, Object> clientProps(String user) {
    return new HashMap<>(scramFromFile(user, secrets));
  }

  private static KafkaProducer<String, byte[]> producer(Map<String, Object> client) {
    Map<String, Object> p = new HashMap<>(client);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private static List<TrainingPair> pairs() {
    var codec = EventCodecs.create(TextLimits.DEFAULTS).trainingPairs();
    return Topics.readAll(
            kafka.bootstrapServers(), security.adminClientProperties(), TOPICS.trainingPairs())
        .stream()
        .map(r -> codec.decode(r.value()))
        .toList();
  }

  private static int servingVersion() throws Exception {
    return ServingProbe.servingVersion(loop.serverUri(), Loop.ADAPTER);
  }

  private static HttpResponse<String> post(String path, String body, String bearer)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(loop.serverUri().resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void await(String what, Duration timeout, BooleanSupplierWithException condition)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(250);
    }
  }

  /** A condition that may throw (an HTTP call). */
  interface BooleanSupplierWithException {
    boolean getAsBoolean() throws Exception;
  }
}
