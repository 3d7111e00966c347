package apex.bus;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;

/**
 * {@code apex-bus}: the event-bus inspection CLI. It connects to the inspector's TCP bridge and
 * shows what is on the bus, who serves what, which breaker is open and what happened to a run.
 * Exit codes: 0 ok, 1 a failure (or, for doctor, problems found), 2 a usage error.
 */
@Command(name = "apex-bus", mixinStandardHelpOptions = true, version = "apex-bus 0.1.0",
    description = {"Inspect the Apex event bus through the inspector's TCP bridge.", "",
        "First: apex-bus login (an operator or admin account), then e.g. apex-bus tail 'apex.stage.*'."},
    footer = {"", "Exit codes: 0 ok, 1 failure or problems found, 2 usage error.",
        "Environment: APEX_BUS_HOST, APEX_BUS_PORT, APEX_BUS_TOKEN, APEX_BUS_URL, APEX_BUS_CONFIG, NO_COLOR."},
    subcommands = {
        LoginCommand.class,
        TailCommand.class,
        RequestCommand.class,
        PublishCommand.class,
        ServicesCommand.class,
        NodesCommand.class,
        BreakersCommand.class,
        TraceCommand.class,
        DoctorCommand.class,
        AutoComplete.GenerateCompletion.class,
    })
public final class ApexBus {
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  @Option(names = "--host", scope = ScopeType.INHERIT, description = "Bridge host (default 127.0.0.1).")
  String host;

  @Option(names = "--port", scope = ScopeType.INHERIT, description = "Bridge port (default 7001).")
  Integer port;

  @Option(names = "--token", scope = ScopeType.INHERIT,
      description = "Access token (default: APEX_BUS_TOKEN, the config file, then the saved login).")
  String token;

  @Option(names = "--url", scope = ScopeType.INHERIT,
      description = "The REST API for login (default http://127.0.0.1:8080).")
  String url;

  @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "Plain output (also when NO_COLOR is set).")
  boolean noColor;

  final Map<String, String> env;
  final InputStream stdin;
  private Settings settings;

  ApexBus(Map<String, String> env, InputStream stdin) {
    this.env = env;
    this.stdin = stdin;
  }

  public static void main(String[] args) {
    System.exit(commandLine(System.getenv(), System.in, new PrintWriter(System.out, true),
        new PrintWriter(System.err, true)).execute(args));
  }

  static CommandLine commandLine(Map<String, String> env, InputStream stdin, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new ApexBus(env, stdin));
    cli.setOut(out);
    cli.setErr(err);
    cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof BusException failure) {
        line.getErr().println("apex-bus: " + failure.getMessage());
        return "usage".equals(failure.code()) ? EXIT_USAGE : EXIT_FAILURE;
      }
      line.getErr().println("apex-bus: unexpected failure: " + e);
      return EXIT_FAILURE;
    });
    cli.setParameterExceptionHandler((e, args) -> {
      e.getCommandLine().getErr().println("apex-bus: " + e.getMessage());
      e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return EXIT_USAGE;
    });
    return cli;
  }

  Settings settings() {
    if (settings == null) {
      settings = new Settings(env);
    }
    return settings;
  }

  /** Colours only on a terminal: piped into a file or another program, escape codes are noise. */
  Terminal terminal(PrintWriter out) {
    return new Terminal(out, !settings().noColor(noColor) && System.console() != null);
  }

  /** A connection to the bridge with the resolved token; a missing token is a failure that says how to get one. */
  BridgeClient connect() {
    Settings s = settings();
    String resolved = s.explicitToken(token);
    if (resolved == null) {
      resolved = new Login(s.home()).token();
    }
    if (resolved == null) {
      throw new BusException("unauthorized", "no token: run apex-bus login (an account with the operator or admin "
          + "role), or give --token / APEX_BUS_TOKEN");
    }
    return BridgeClient.connect(s.host(host), s.port(port), resolved);
  }
}
