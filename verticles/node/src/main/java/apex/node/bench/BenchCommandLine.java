package apex.node.bench;

import picocli.CommandLine;

/** Runs a bench command the way the launcher does, but a command line picocli refuses exits 2 with the usage. */
final class BenchCommandLine {
  static final int EXIT_USAGE = 2;

  private BenchCommandLine() {}

  /** {@code name} prefixes the message (e.g. {@code apex bench chat}). */
  static int execute(String name, Object command, String... args) {
    CommandLine cli = new CommandLine(command);
    cli.setParameterExceptionHandler((e, a) -> {
      System.err.println(name + ": " + e.getMessage());
      e.getCommandLine().usage(System.err);
      return EXIT_USAGE;
    });
    return cli.execute(args);
  }
}
