package io.lorastream.cli;

import io.lorastream.model.adapter.AdapterKeys;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Ed25519 key pair that signs adapter records: the trainer holds the private key, servers the
 * public one.
 */
@Command(
    name = "keys",
    description = "Manage the Ed25519 key pair that signs published adapter versions.",
    subcommands = {KeysCommand.Generate.class, CommandLine.HelpCommand.class})
final class KeysCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(
      name = "generate",
      description = {
        "Write a new key pair: "
            + AdapterKeys.PRIVATE_KEY_FILE
            + " (PKCS#8 PEM, mode 600; the trainer signs with it)"
            + " and "
            + AdapterKeys.PUBLIC_KEY_FILE
            + " (X.509 PEM; embedding servers verify with it).",
        "Prints the two paths and the public key's fingerprint."
      })
  static final class Generate implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Folder for the key files (created if missing).")
    Path out;

    @Option(
        names = "--force",
        description =
            "Replace existing key files. Servers given the new public key then refuse versions signed with the old one.")
    boolean force;

    @Override
    public Integer call() throws Exception {
      PrintWriter stdout = spec.commandLine().getOut();
      PrintWriter stderr = spec.commandLine().getErr();
      Path privateKey = out.resolve(AdapterKeys.PRIVATE_KEY_FILE).toAbsolutePath();
      Path publicKey = out.resolve(AdapterKeys.PUBLIC_KEY_FILE).toAbsolutePath();
      if (!force) {
        for (Path p : List.of(privateKey, publicKey)) {
          if (Files.exists(p)) {
            stderr.println(
                "lorastream keys generate: "
                    + p
                    + " already exists; keep the existing key pair, choose another --out,"
                    + " or pass --force to replace it");
            stderr.flush();
            return 1;
          }
        }
      }
      Files.createDirectories(out);
      KeyPair pair = AdapterKeys.generate();
      AdapterKeys.writePrivateKey(privateKey, pair.getPrivate(), force);
      AdapterKeys.writePublicKey(publicKey, pair.getPublic(), force);
      stdout.println("private key: " + privateKey);
      stdout.println("public key:  " + publicKey);
      stdout.println("fingerprint: " + AdapterKeys.fingerprint(pair.getPublic()));
      stdout.flush();
      return 0;
    }
  }
}
