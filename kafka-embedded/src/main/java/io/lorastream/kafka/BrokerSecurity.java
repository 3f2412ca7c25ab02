package io.lorastream.kafka;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * Authentication and authorization for the embedded broker, as a production cluster runs them:
 * clients authenticate with SASL/SCRAM-SHA-512, Kafka's {@code StandardAuthorizer} checks every
 * request against the ACLs, and a principal without a matching ACL is refused ({@code
 * allow.everyone.if.no.acl.found=false}).
 *
 * <p>The broker's own traffic (inter-broker replication, broker to controller) runs on listeners of
 * its own with SASL PLAIN for {@code adminUser}, whose JAAS entry lives in the broker's config: it
 * does not depend on SCRAM credentials, which are metadata records the controllers must have loaded
 * first. {@code adminUser} is the only super user; it also gets SCRAM credentials, so tests
 * administer the cluster (ACLs, topics) through the client listener.
 *
 * @param adminUser the super user (the broker's own identity too)
 * @param adminPassword its password, for PLAIN on the internal listeners and SCRAM on the client
 *     listener
 * @param users SCRAM-SHA-512 users created when the broker starts: name to password
 */
public record BrokerSecurity(String adminUser, String adminPassword, Map<String, String> users) {

  /** The SASL mechanism clients use. */
  public static final String CLIENT_MECHANISM = "SCRAM-SHA-512";

  /** Kafka's KRaft authorizer. */
  public static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

  // A name or password goes into a JAAS line between double quotes: no quote, backslash or line
  // break.
  private static final Pattern SAFE = Pattern.compile("[^\"\\\\\\r\\n]+");

  public BrokerSecurity {
    requireSafe("adminUser", adminUser);
    requireSafe("adminPassword", adminPassword);
    Objects.requireNonNull(users, "users must not be null; pass Map.of()");
    users.forEach(
        (name, password) -> {
          requireSafe("user name", name);
          requireSafe("password of " + name, password);
        });
    users = Map.copyOf(users);
  }

  /** SCRAM users with these passwords and a super user {@code admin} with a random password. */
  public static BrokerSecurity scram(Map<String, String> users) {
    return new BrokerSecurity("admin", randomPassword(), users);
  }

  /** 24 random bytes as hex: a password for a user of a test or the demo. */
  public static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The password of {@code user} (the admin or one of {@link #users()}). */
  public String password(String user) {
    if (user.equals(adminUser)) {
      return adminPassword;
    }
    String password = users.get(user);
    if (password == null) {
      throw new IllegalArgumentException(
          "no SCRAM user '"
              + user
              + "' on this broker; its users are "
              + users.keySet()
              + " and "
              + adminUser);
    }
    return password;
  }

  /** Client settings that authenticate as {@code user} (see {@link #scramClientProperties}). */
  public Map<String, Object> clientProperties(String user) {
    return scramClientProperties(user, password(user));
  }

  /** Client settings for the super user. */
  public Map<String, Object> adminClientProperties() {
    return clientProperties(adminUser);
  }

  /**
   * The standard client settings for SCRAM-SHA-512 over an unencrypted connection: {@code
   * security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}. Lay them over any
   * producer, consumer, admin or Streams config.
   */
  public static Map<String, Object> scramClientProperties(String user, String password) {
    requireSafe("user", user);
    requireSafe("password", password);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
    p.put(SaslConfigs.SASL_MECHANISM, CLIENT_MECHANISM);
    p.put(SaslConfigs.SASL_JAAS_CONFIG, scramJaas(user, password));
    return p;
  }

  static String scramJaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /**
   * The PLAIN login of the broker's internal listeners: the admin logs in, and is the only user
   * accepted.
   */
  String internalJaas() {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + adminUser
        + "\" password=\""
        + adminPassword
        + "\" user_"
        + adminUser
        + "=\""
        + adminPassword
        + "\";";
  }

  @Override
  public String toString() {
    // Never print passwords.
    return "BrokerSecurity[adminUser=" + adminUser + ", users=" + users.keySet() + "]";
  }

  private static void requireSafe(String what, String value) {
    if (value == null || !SAFE.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " must be non-empty, without double quotes, backslashes or line breaks (it goes into a JAAS line)");
    }
  }
}
