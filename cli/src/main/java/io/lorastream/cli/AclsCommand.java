package io.lorastream.cli;

import io.lorastream.cli.acl.AccessPolicy;
import io.lorastream.cli.acl.AccessSetup;
import io.lorastream.schemas.TopicAdmin;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TopicReplication;
import io.lorastream.schemas.TopicSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The principals and ACLs of a deployment: printed, or applied with Kafka's Admin API. */
@Command(
    name = "acls",
    mixinStandardHelpOptions = true,
    description = {
      "Print (--print) or apply (--apply) the Kafka ACLs of a lorastream deployment: one principal per service with the"
          + " least it needs (docs/operations.md, \"Security: principals and ACLs\").",
      "--apply connects as the cluster's admin (--command-config: admin client settings, secrets through Kafka's config"
          + " providers), sets the SCRAM-SHA-512 credentials of the principals whose password files --scram-passwords"
          + " holds, creates the topics with --create-topics, then the ACLs. Re-running it changes nothing.",
      "Passwords never go on the command line."
    })
final class AclsCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static final class Mode {
    @Option(
        names = "--print",
        required = true,
        description = "Print the ACLs, one per line; connects to nothing.")
    boolean print;

    @Option(
        names = "--apply",
        required = true,
        description = "Apply them to the cluster at --bootstrap.")
    boolean apply;
  }

  @ArgGroup(multiplicity = "1")
  Mode mode;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (--apply).")
  String bootstrap;

  @Option(
      names = "--command-config",
      paramLabel = "FILE",
      description =
          "A .properties file of admin client settings: security.protocol, sasl.*, ssl.*, config.providers*"
              + " (e.g. the password from a file: ${dir:/run/secrets:kafka-admin-password}).")
  Path commandConfig;

  @Option(
      names = "--scram-passwords",
      paramLabel = "DIR",
      description =
          "A directory with one file per principal, named after its user (e.g. lorastream-streams), holding"
              + " its password: those users get SCRAM-SHA-512 credentials. Users without a file are left as they are.")
  Path scramPasswords;

  @Option(
      names = "--scram-passwords-env",
      description =
          "Take the principals' passwords from the environment instead: LORASTREAM_KAFKA_PASSWORD_<ROLE>"
              + " (STREAMS, TRAINER, SERVER, ADMIN, FRONTEND), e.g. set by the image from LORASTREAM_KAFKA_PASSWORD_<ROLE>_FILE.")
  boolean scramPasswordsEnv;

  @Option(
      names = "--create-topics",
      description = "Also create the lorastream topics that are missing.")
  boolean createTopics;

  @Option(
      names = "--partitions",
      defaultValue = "3",
      description = "Partitions of created topics (${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--replication-factor",
      defaultValue = "3",
      description = "Replicas of created topics, capped at the broker count (${DEFAULT-VALUE}).")
  short replicationFactor;

  @Option(
      names = "--min-insync-replicas",
      defaultValue = "2",
      description = "min.insync.replicas of created topics (${DEFAULT-VALUE}).")
  int minInsyncReplicas;

  @Option(
      names = "--topic-prefix",
      defaultValue = TopicNames.DEFAULT_PREFIX,
      description = "Default: ${DEFAULT-VALUE}.")
  String topicPrefix;

  @Option(
      names = "--streams-application-id",
      defaultValue = "lorastream-streams",
      description = "The streams app's application-id (${DEFAULT-VALUE}).")
  String streamsApplicationId;

  @Option(
      names = "--trainer-group-id",
      defaultValue = "lorastream-trainer",
      description = "The trainers' group-id (${DEFAULT-VALUE}).")
  String trainerGroupId;

  @Option(
      names = "--trainer-transactional-id-prefix",
      defaultValue = "lorastream-trainer",
      description =
          "What every trainer instance-id (its transactional id) starts with (${DEFAULT-VALUE}).")
  String trainerTransactionalIdPrefix;

  @Option(
      names = "--streams-principal",
      defaultValue = "User:lorastream-streams",
      description = "${DEFAULT-VALUE}")
  String streamsPrincipal;

  @Option(
      names = "--trainer-principal",
      defaultValue = "User:lorastream-trainer",
      description = "${DEFAULT-VALUE}")
  String trainerPrincipal;

  @Option(
      names = "--server-principal",
      defaultValue = "User:lorastream-server",
      description = "${DEFAULT-VALUE}")
  String serverPrincipal;

  @Option(
      names = "--admin-principal",
      defaultValue = "User:lorastream-admin",
      description =
          "Writes pins: the server's admin API (its admin-kafka settings) and operators (${DEFAULT-VALUE}).")
  String adminPrincipal;

  @Option(
      names = "--frontend-principal",
      defaultValue = "User:lorastream-frontend",
      description = "Your search application, which writes the feedback topics (${DEFAULT-VALUE}).")
  String frontendPrincipal;

  @Option(
      names = "--timeout",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description = "Default: ${DEFAULT-VALUE}.")
  long timeoutSeconds;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AccessPolicy policy;
    try {
      policy =
          new AccessPolicy(
              new TopicNames(topicPrefix),
              streamsApplicationId,
              trainerGroupId,
              trainerTransactionalIdPrefix,
              new AccessPolicy.Principals(
                  streamsPrincipal,
                  trainerPrincipal,
                  serverPrincipal,
                  adminPrincipal,
                  frontendPrincipal));
    } catch (IllegalArgumentException e) {
      err.println("lorastream acls: " + e.getMessage());
      err.flush();
      return 2;
    }
    if (mode.print) {
      policy.describe().forEach(out::println);
      out.flush();
      return 0;
    }
    Properties props;
    Map<String, String> passwords;
    List<TopicSpec> topics;
    try {
      if (bootstrap == null || bootstrap.isBlank()) {
        throw new IllegalArgumentException("--apply needs --bootstrap HOST:PORT");
      }
      props = adminProperties();
      if (scramPasswords != null && scramPasswordsEnv) {
        throw new IllegalArgumentException(
            "give --scram-passwords DIR or --scram-passwords-env, not both");
      }
      passwords =
          scramPasswords != null
              ? AccessSetup.readPasswords(scramPasswords, policy)
              : scramPasswordsEnv
                  ? AccessSetup.passwordsFromEnv(System.getenv(), policy)
                  : Map.of();
      topics =
          createTopics
              ? TopicAdmin.standardSpecs(
                  policy.topics(),
                  partitions,
                  new TopicReplication(replicationFactor, minInsyncReplicas))
              : List.of();
    } catch (IllegalArgumentException e) {
      err.println("lorastream acls: " + e.getMessage());
      err.flush();
      return 2;
    }
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    try (Admin admin = Admin.create(props)) {
      AccessSetup.Result r = AccessSetup.apply(admin, policy, passwords, topics, timeout);
      if (!r.scramUsers().isEmpty()) {
        err.println("lorastream acls: SCRAM-SHA-512 credentials set for " + r.scramUsers());
      }
      if (createTopics) {
        err.println(
            "lorastream acls: topics created: "
                + (r.createdTopics().isEmpty() ? "none (all existed)" : r.createdTopics()));
      }
      err.println("lorastream acls: " + r.acls() + " ACLs in place on " + bootstrap);
      err.flush();
      return 0;
    } catch (RuntimeException e) {
      err.println("lorastream acls: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  private Properties adminProperties() {
    Properties p = new Properties();
    if (commandConfig != null) {
      try (Reader r = Files.newBufferedReader(commandConfig)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read --command-config " + commandConfig + ": " + e.getMessage(), e);
      }
    }
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) Duration.ofSeconds(timeoutSeconds).toMillis());
    return p;
  }
}
