package apex.bus;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "login", description = {"Log in through the REST API and save the session for the other commands.",
    "The account needs the operator role (read-only commands) or admin (request, publish, serving a stage)."})
final class LoginCommand implements Callable<Integer> {
  @ParentCommand
  ApexBus root;

  @Spec
  CommandSpec spec;

  @Option(names = "--email", required = true, description = "The account's email.")
  String email;

  @Option(names = "--password-stdin", description = "Read the password from stdin (else APEX_BUS_PASSWORD, else a prompt).")
  boolean passwordStdin;

  @Override
  public Integer call() throws IOException {
    String password = password();
    Settings settings = root.settings();
    Login login = new Login(settings.home());
    JsonObject claims = login.login(settings.url(root.url), email, password);
    spec.commandLine().getOut().println("logged in as " + claims.getString("email", email) + ", roles "
        + claims.getJsonArray("roles") + "; session saved in " + login.file());
    if (!claims.getJsonArray("roles").contains("operator") && !claims.getJsonArray("roles").contains("admin")) {
      spec.commandLine().getErr().println("apex-bus: this account has neither the operator nor the admin role; the "
          + "bridge will refuse its frames. Grant one with auth.operators / auth.admins (APEX_AUTH_OPERATORS).");
      return ApexBus.EXIT_FAILURE;
    }
    return 0;
  }

  private String password() throws IOException {
    if (passwordStdin) {
      String line = new BufferedReader(new InputStreamReader(root.stdin, StandardCharsets.UTF_8)).readLine();
      return line == null ? "" : line;
    }
    String fromEnv = root.env.get("APEX_BUS_PASSWORD");
    if (fromEnv != null) {
      return fromEnv;
    }
    Console console = System.console();
    if (console == null) {
      throw new BusException("usage", "no terminal to ask the password on: use --password-stdin or APEX_BUS_PASSWORD");
    }
    return new String(console.readPassword("password for %s: ", email));
  }
}
