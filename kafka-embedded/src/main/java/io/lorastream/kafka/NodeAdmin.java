package io.lorastream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * What the embedded nodes' owners ask of the running cluster: is it serving, and its SCRAM users.
 */
final class NodeAdmin {

  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private NodeAdmin() {}

  /**
   * Waits until the cluster reached through {@code bootstrap} lists all of {@code nodeIds} as live
   * brokers.
   */
  static void awaitBrokers(String bootstrap, Map<String, Object> security, Set<Integer> nodeIds) {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    Set<Integer> seen = new TreeSet<>();
    try (Admin admin = Admin.create(props(bootstrap, security))) {
      while (true) {
        seen.clear();
        try {
          for (Node n : admin.describeCluster().nodes().get(5, TimeUnit.SECONDS)) {
            seen.add(n.id());
          }
          if (seen.containsAll(nodeIds)) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "Kafka on "
                    + bootstrap
                    + " does not answer: "
                    + (e.getCause() == null ? e : e.getCause()),
                e);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Kafka on "
                  + bootstrap
                  + " lists brokers "
                  + seen
                  + " after "
                  + STARTUP_TIMEOUT.toSeconds()
                  + " s, not all of "
                  + nodeIds);
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Kafka on " + bootstrap, e);
    }
  }

  /**
   * Creates (or updates) the SCRAM-SHA-512 credentials of the admin and every user, as the broker's
   * own identity on {@code internalBootstrap}, and waits until the admin logs in with SCRAM on
   * {@code clientBootstrap} (credentials are metadata records: brokers apply them a moment after
   * the controller commits them).
   */
  static void createScramUsers(
      String internalBootstrap,
      Map<String, Object> internalSecurity,
      String clientBootstrap,
      BrokerSecurity security) {
    Map<String, String> all = new HashMap<>(security.users());
    all.put(security.adminUser(), security.adminPassword());
    List<UserScramCredentialAlteration> upserts = new ArrayList<>();
    // 4096 iterations: Kafka's minimum for SCRAM-SHA-512, and what kafka-configs uses by default.
    ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096);
    all.forEach(
        (user, password) -> upserts.add(new UserScramCredentialUpsertion(user, info, password)));
    try (Admin admin = Admin.create(props(internalBootstrap, internalSecurity))) {
      admin
          .alterUserScramCredentials(upserts)
          .all()
          .get(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Could not create the SCRAM users "
              + all.keySet()
              + ": "
              + (e.getCause() == null ? e : e.getCause()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating SCRAM users", e);
    }
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(props(clientBootstrap, security.adminClientProperties()))) {
      while (true) {
        try {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof SaslAuthenticationException)
              || System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "The admin cannot log in with SCRAM on " + clientBootstrap + ": " + e.getCause(),
                e);
          }
        } catch (TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Kafka on " + clientBootstrap + " does not answer", e);
          }
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for SCRAM users", e);
    }
  }

  private static Map<String, Object> props(String bootstrap, Map<String, Object> security) {
    Map<String, Object> p = new HashMap<>(security);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) STARTUP_TIMEOUT.toMillis());
    return p;
  }
}
