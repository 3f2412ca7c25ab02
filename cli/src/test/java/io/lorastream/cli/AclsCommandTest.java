package io.lorastream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.cli.acl.AccessPolicy;
import io.lorastream.cli.acl.AccessSetup;
import io.lorastream.schemas.TopicNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AclsCommandTest {

  @TempDir Path tmp;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = LorastreamCommand.commandLine();
    cl.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void printShowsEveryAclOnceWithoutConnectingAnywhere() {
    Run r = run("acls", "--print", "--topic-prefix", "prod.");
    assertThat(r.exit()).isZero();
    List<String> acls = r.out().lines().filter(l -> !l.startsWith("#")).toList();
    assertThat(acls).hasSize(AccessPolicy.DEFAULT.bindings().size());
    assertThat(r.out())
        .contains("# trainer")
        .containsPattern("User:lorastream-trainer +ALLOW +WRITE +TOPIC +LITERAL +prod\\.adapters")
        .containsPattern("User:lorastream-admin +ALLOW +WRITE +TOPIC +LITERAL +prod\\.adapter-pins")
        .containsPattern(
            "User:lorastream-streams +ALLOW +ALL +TOPIC +PREFIXED +lorastream-streams-");
  }

  @Test
  void onlyTheTrainerWritesVersionsAndCheckpointsAndOnlyTheAdminWritesPins() {
    List<AclBinding> b = AccessPolicy.DEFAULT.bindings();
    TopicNames t = TopicNames.DEFAULT;
    assertThat(writers(b, t.adapters())).containsExactly("User:lorastream-trainer");
    assertThat(writers(b, t.trainerCheckpoints())).containsExactly("User:lorastream-trainer");
    assertThat(writers(b, t.adapterPins())).containsExactly("User:lorastream-admin");
    assertThat(writers(b, t.trainingPairs())).containsExactly("User:lorastream-streams");
    assertThat(writers(b, t.searchEvents())).containsExactly("User:lorastream-frontend");
    // nobody but the streams app (its own internal topics) may create, alter or delete a topic
    assertThat(b)
        .filteredOn(x -> x.pattern().resourceType() == ResourceType.TOPIC)
        .filteredOn(
            x ->
                List.of(
                        AclOperation.ALL,
                        AclOperation.CREATE,
                        AclOperation.ALTER,
                        AclOperation.DELETE,
                        AclOperation.ALTER_CONFIGS)
                    .contains(x.entry().operation()))
        .allSatisfy(
            x -> {
              assertThat(x.pattern().patternType()).isEqualTo(PatternType.PREFIXED);
              assertThat(x.pattern().name()).isEqualTo("lorastream-streams-");
            });
    assertThat(b).noneMatch(x -> x.pattern().resourceType() == ResourceType.CLUSTER);
  }

  @Test
  void applyWithoutABootstrapOrWithABadPrincipalIsRefusedNamingIt() {
    Run noBootstrap = run("acls", "--apply");
    assertThat(noBootstrap.exit()).isEqualTo(2);
    assertThat(noBootstrap.err()).contains("--bootstrap");
    Run badPrincipal = run("acls", "--print", "--server-principal", "lorastream-server");
    assertThat(badPrincipal.exit()).isEqualTo(2);
    assertThat(badPrincipal.err()).contains("User:<name>").contains("lorastream-server");
  }

  @Test
  void passwordFilesAreReadPerUserAndOneWithALineBreakOrNothingIsRefusedNamingIt()
      throws Exception {
    Files.writeString(tmp.resolve("lorastream-streams"), "s3cret");
    Files.writeString(tmp.resolve("someone-else"), "ignored");
    assertThat(AccessSetup.readPasswords(tmp, AccessPolicy.DEFAULT))
        .isEqualTo(Map.of("lorastream-streams", "s3cret"));
    Files.writeString(tmp.resolve("lorastream-trainer"), "s3cret\n");
    assertThatThrownBy(() -> AccessSetup.readPasswords(tmp, AccessPolicy.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(tmp.resolve("lorastream-trainer").toString())
        .hasMessageContaining("line break")
        .hasMessageContaining("tr -d");
    Files.writeString(tmp.resolve("lorastream-trainer"), "");
    assertThatThrownBy(() -> AccessSetup.readPasswords(tmp, AccessPolicy.DEFAULT))
        .hasMessageContaining("empty");
  }

  @Test
  void passwordsFromTheEnvironmentAreTakenPerRole() {
    Map<String, String> env =
        Map.of(
            "LORASTREAM_KAFKA_PASSWORD_TRAINER",
            "t0p",
            "LORASTREAM_KAFKA_PASSWORD_ADMIN",
            "adm1n",
            "HOME",
            "/root");
    assertThat(AccessSetup.passwordsFromEnv(env, AccessPolicy.DEFAULT))
        .isEqualTo(Map.of("lorastream-trainer", "t0p", "lorastream-admin", "adm1n"));
    assertThatThrownBy(
            () ->
                AccessSetup.passwordsFromEnv(
                    Map.of("LORASTREAM_KAFKA_PASSWORD_SERVER", "x\n"), AccessPolicy.DEFAULT))
        .hasMessageContaining("LORASTREAM_KAFKA_PASSWORD_SERVER")
        .hasMessageContaining("line break");
  }

  private static List<String> writers(List<AclBinding> b, String topic) {
    return b.stream()
        .filter(
            x ->
                x.pattern().resourceType() == ResourceType.TOPIC
                    && x.pattern().name().equals(topic))
        .filter(
            x ->
                x.entry().operation() == AclOperation.WRITE
                    || x.entry().operation() == AclOperation.ALL)
        .map(x -> x.entry().principal())
        .distinct()
        .toList();
  }
}
