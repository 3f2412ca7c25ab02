package io.lorastream.cli.acl;

import io.lorastream.schemas.TopicAdmin;
import io.lorastream.schemas.TopicSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * Applies an {@link AccessPolicy} through Kafka's Admin API, as the cluster's admin: SCRAM-SHA-512
 * credentials of the principals (when given), the topics (when asked), then the ACLs. Every step is
 * idempotent: an ACL or topic that exists is left as it is, a credential is replaced by the one
 * given.
 */
public final class AccessSetup {

  /** SCRAM's iteration count: Kafka's minimum for SHA-512, as kafka-configs uses by default. */
  static final int SCRAM_ITERATIONS = 4096;

  /** What {@link #apply} did. */
  public record Result(List<String> scramUsers, List<String> createdTopics, int acls) {}

  private AccessSetup() {}

  /**
   * @param scramPasswords user name to password; users not listed keep their credentials
   * @param topics topics to create when missing (empty: none)
   */
  public static Result apply(
      Admin admin,
      AccessPolicy policy,
      Map<String, String> scramPasswords,
      List<TopicSpec> topics,
      Duration timeout) {
    List<String> users = new ArrayList<>(scramPasswords.keySet());
    if (!scramPasswords.isEmpty()) {
      List<UserScramCredentialAlteration> upserts = new ArrayList<>();
      ScramCredentialInfo info =
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS);
      scramPasswords.forEach(
          (user, password) -> upserts.add(new UserScramCredentialUpsertion(user, info, password)));
      await(
          "setting the SCRAM credentials of " + users,
          () -> admin.alterUserScramCredentials(upserts).all(),
          timeout);
    }
    List<String> created =
        topics.isEmpty() ? List.of() : TopicAdmin.ensure(admin, topics, timeout).created();
    var bindings = policy.bindings();
    await("creating " + bindings.size() + " ACLs", () -> admin.createAcls(bindings).all(), timeout);
    return new Result(List.copyOf(users), created, bindings.size());
  }

  /**
   * The passwords in {@code dir} of the policy's SCRAM users: the file named after a user (the
   * principal without {@code User:}) holds its password, with no line break (the services read the
   * same file through Kafka's DirectoryConfigProvider, which passes it on as it is). Users without
   * a file are left out.
   *
   * @throws IllegalArgumentException for a missing directory or an empty file, naming it
   */
  public static Map<String, String> readPasswords(Path dir, AccessPolicy policy) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "--scram-passwords " + dir + " is not a directory of password files");
    }
    Map<String, String> out = new TreeMap<>();
    for (String principal : policy.principals().byRole().values()) {
      if (!principal.startsWith("User:")) {
        continue;
      }
      String user = principal.substring("User:".length());
      Path file = dir.resolve(user);
      if (!Files.isRegularFile(file)) {
        continue;
      }
      String password;
      try {
        password = Files.readString(file);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read the password file " + file + ": " + e.getMessage(), e);
      }
      // the services read the same file through Kafka's DirectoryConfigProvider, which passes it on
      // as it is, into
      // a JAAS line between double quotes
      requireUsable(password, "the password file " + file);
      out.put(user, password);
    }
    return out;
  }

  /**
   * The environment variable {@link #passwordsFromEnv} reads for a role: {@code
   * LORASTREAM_KAFKA_PASSWORD_<ROLE>}.
   */
  public static String passwordVariable(String role) {
    return "LORASTREAM_KAFKA_PASSWORD_" + role.toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * The passwords of the policy's SCRAM users from the environment: {@link #passwordVariable} of
   * each role (e.g. {@code LORASTREAM_KAFKA_PASSWORD_STREAMS}; the lorastream image sets it from
   * the file named by {@code LORASTREAM_KAFKA_PASSWORD_STREAMS_FILE}). Roles without one are left
   * out.
   */
  public static Map<String, String> passwordsFromEnv(Map<String, String> env, AccessPolicy policy) {
    Map<String, String> out = new TreeMap<>();
    policy
        .principals()
        .byRole()
        .forEach(
            (role, principal) -> {
              String password = env.get(passwordVariable(role));
              if (password == null || !principal.startsWith("User:")) {
                return;
              }
              requireUsable(password, "the environment variable " + passwordVariable(role));
              out.put(principal.substring("User:".length()), password);
            });
    return out;
  }

  private static void requireUsable(String password, String where) {
    if (password.isBlank()) {
      throw new IllegalArgumentException(where + " is empty; it must hold a password");
    }
    if (!password.equals(password.strip()) || password.contains("\"") || password.contains("\\")) {
      throw new IllegalArgumentException(
          where
              + " has a line break, leading or trailing space, a double quote or a"
              + " backslash, which would become part of the password the services send; write it with e.g."
              + " openssl rand -hex 24 | tr -d '\\n'");
    }
  }

  private interface Call {
    org.apache.kafka.common.KafkaFuture<Void> start();
  }

  private static void await(String what, Call call, Duration timeout) {
    try {
      call.start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          what
              + " failed: "
              + e.getCause().getMessage()
              + " (the --command-config principal must be a super user or hold ALTER on the cluster)",
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          what + " timed out after " + timeout + "; is the broker reachable?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    }
  }
}
