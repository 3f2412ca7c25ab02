package io.lorastream.cli.acl;

import io.lorastream.schemas.TopicNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on a lorastream deployment's Kafka topics: one principal per service, each with
 * the least it needs.
 *
 * <pre>
 * principal  may                                                   resources
 * streams    read feedback                                         search-events, interactions, relevance-labels, documents
 *            write pairs and dead letters                          training-pairs, dlq
 *            all on its internal topics, its group, transactions   prefix APPLICATION_ID- (topics, transactional ids);
 *                                                                  group APPLICATION_ID
 * trainer    read pairs, write versions and checkpoints            training-pairs; adapters; trainer-checkpoints (read too)
 *            its consumer group and transactional ids              group GROUP_ID; transactional-id prefix TXN_PREFIX
 * server     read versions and pins                                adapters, adapter-pins
 * admin      write pins (the server's admin API, operators)        adapter-pins
 * frontend   write feedback (your search application)              search-events, interactions, relevance-labels, documents
 * </pre>
 *
 * Topic creation is the cluster admin's (see {@code lorastream acls --apply --create-topics}); no
 * service principal may create, delete or reconfigure a lorastream topic, except the streams app
 * its own internal topics.
 *
 * @param topics the deployment's topic names (prefix)
 * @param streamsApplicationId the streams app's {@code application-id}: its group, and the prefix
 *     of its internal topics and transactional ids
 * @param trainerGroupId the trainer's {@code group-id}
 * @param trainerTransactionalIdPrefix what every trainer {@code instance-id} (its transactional id)
 *     starts with
 * @param principals the five principals
 */
public record AccessPolicy(
    TopicNames topics,
    String streamsApplicationId,
    String trainerGroupId,
    String trainerTransactionalIdPrefix,
    Principals principals) {

  // Before DEFAULT and Principals.DEFAULT: static fields initialise in order.
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  /**
   * The defaults of the services: prefix {@code lorastream.}, their default ids, principals {@code
   * User:lorastream-*}.
   */
  public static final AccessPolicy DEFAULT =
      new AccessPolicy(
          TopicNames.DEFAULT,
          "lorastream-streams",
          "lorastream-trainer",
          "lorastream-trainer",
          Principals.DEFAULT);

  /**
   * The principal of each role, as Kafka names them ({@code User:<name>}: a SCRAM user name, or the
   * distinguished name an mTLS certificate maps to).
   */
  public record Principals(
      String streams, String trainer, String server, String admin, String frontend) {

    private static final Pattern FORM = Pattern.compile("[A-Za-z]+:[^\\s]+");

    public static final Principals DEFAULT =
        new Principals(
            "User:lorastream-streams",
            "User:lorastream-trainer",
            "User:lorastream-server",
            "User:lorastream-admin",
            "User:lorastream-frontend");

    public Principals {
      for (String p : new String[] {streams, trainer, server, admin, frontend}) {
        if (p == null || !FORM.matcher(p).matches()) {
          throw new IllegalArgumentException(
              "a principal must look like User:<name>, got '" + p + "'");
        }
      }
    }

    /** Role name to principal, in a fixed order. */
    public Map<String, String> byRole() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("streams", streams);
      m.put("trainer", trainer);
      m.put("server", server);
      m.put("admin", admin);
      m.put("frontend", frontend);
      return m;
    }
  }

  public AccessPolicy {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(principals, "principals");
    for (String[] id :
        new String[][] {
          {"streams application id", streamsApplicationId},
          {"trainer group id", trainerGroupId},
          {"trainer transactional id prefix", trainerTransactionalIdPrefix}
        }) {
      if (id[1] == null || !ID.matcher(id[1]).matches()) {
        throw new IllegalArgumentException(
            id[0] + " must be 1-200 letters, digits, '.', '_' or '-', got '" + id[1] + "'");
      }
    }
  }

  /** Every ACL of the deployment, grouped by principal in role order. */
  public List<AclBinding> bindings() {
    List<AclBinding> out = new ArrayList<>();
    TopicNames t = topics;
    String streams = principals.streams();
    for (String feedback :
        List.of(t.searchEvents(), t.interactions(), t.relevanceLabels(), t.documents())) {
      out.add(topic(streams, feedback, AclOperation.READ));
    }
    out.add(topic(streams, t.trainingPairs(), AclOperation.WRITE));
    out.add(topic(streams, t.deadLetters(), AclOperation.WRITE));
    // changelogs, repartition topics and the passages topic: <application.id>-...
    out.add(
        allow(
            streams,
            ResourceType.TOPIC,
            streamsApplicationId + "-",
            PatternType.PREFIXED,
            AclOperation.ALL));
    out.add(
        allow(
            streams,
            ResourceType.GROUP,
            streamsApplicationId,
            PatternType.LITERAL,
            AclOperation.READ));
    // exactly_once_v2: transactional.id = <application.id>-<process id>-<thread>
    out.add(
        allow(
            streams,
            ResourceType.TRANSACTIONAL_ID,
            streamsApplicationId + "-",
            PatternType.PREFIXED,
            AclOperation.WRITE));
    out.add(
        allow(
            streams,
            ResourceType.TRANSACTIONAL_ID,
            streamsApplicationId + "-",
            PatternType.PREFIXED,
            AclOperation.DESCRIBE));

    String trainer = principals.trainer();
    out.add(topic(trainer, t.trainingPairs(), AclOperation.READ));
    out.add(
        topic(
            trainer,
            t.documents(),
            AclOperation.READ)); // the gate ranks every document (follow-documents)
    out.add(
        topic(
            trainer, t.deadLetters(), AclOperation.WRITE)); // pairs it refuses, in its transactions
    out.add(
        topic(trainer, t.deadLetters(), AclOperation.DESCRIBE_CONFIGS)); // its max.message.bytes
    out.add(topic(trainer, t.adapters(), AclOperation.WRITE));
    out.add(topic(trainer, t.adapters(), AclOperation.DESCRIBE_CONFIGS));
    out.add(topic(trainer, t.trainerCheckpoints(), AclOperation.READ));
    out.add(topic(trainer, t.trainerCheckpoints(), AclOperation.WRITE));
    out.add(topic(trainer, t.trainerCheckpoints(), AclOperation.DESCRIBE_CONFIGS));
    out.add(
        allow(trainer, ResourceType.GROUP, trainerGroupId, PatternType.LITERAL, AclOperation.READ));
    out.add(
        allow(
            trainer,
            ResourceType.TRANSACTIONAL_ID,
            trainerTransactionalIdPrefix,
            PatternType.PREFIXED,
            AclOperation.WRITE));
    out.add(
        allow(
            trainer,
            ResourceType.TRANSACTIONAL_ID,
            trainerTransactionalIdPrefix,
            PatternType.PREFIXED,
            AclOperation.DESCRIBE));

    String server = principals.server();
    out.add(topic(server, t.adapters(), AclOperation.READ));
    out.add(topic(server, t.adapterPins(), AclOperation.READ));

    out.add(topic(principals.admin(), t.adapterPins(), AclOperation.WRITE));

    for (String feedback :
        List.of(t.searchEvents(), t.interactions(), t.relevanceLabels(), t.documents())) {
      out.add(topic(principals.frontend(), feedback, AclOperation.WRITE));
    }
    return List.copyOf(out);
  }

  /**
   * One line per ACL, aligned: principal, permission, operation, resource type, pattern type, name.
   */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    Map<String, String> roles = new LinkedHashMap<>();
    principals.byRole().forEach((role, p) -> roles.merge(p, role, (a, b) -> a + "," + b));
    int width = roles.keySet().stream().mapToInt(String::length).max().orElse(10);
    String last = null;
    for (AclBinding b : bindings()) {
      String p = b.entry().principal();
      if (!p.equals(last)) {
        lines.add("# " + roles.get(p));
        last = p;
      }
      lines.add(
          String.format(
              "%-" + width + "s  %s  %-16s  %-16s  %-8s  %s",
              p,
              b.entry().permissionType(),
              b.entry().operation(),
              b.pattern().resourceType(),
              b.pattern().patternType(),
              b.pattern().name()));
    }
    return lines;
  }

  private static AclBinding topic(String principal, String topic, AclOperation op) {
    return allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, op);
  }

  private static AclBinding allow(
      String principal, ResourceType type, String name, PatternType pattern, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
  }
}
