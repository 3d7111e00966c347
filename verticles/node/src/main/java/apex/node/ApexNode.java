package apex.node;

import apex.node.bench.AccuracyCommand;
import apex.node.bench.ChatBench;
import apex.node.bench.IdleBench;
import apex.node.bench.RunBench;
import apex.node.chaos.ChaosCommand;
import apex.runtime.config.ApexConfig;
import apex.runtime.config.ConfigException;
import apex.runtime.config.ConfigLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The launcher. {@code up}: everything in one JVM for development. {@code node}: a subset of
 * verticles, optionally clustered. A bad configuration or command line exits 2 listing every
 * problem; SIGTERM / Ctrl-C closes Vert.x (leaving the cluster) and stops embedded services.
 */
@Command(name = "apex", mixinStandardHelpOptions = true, subcommands = {
    ApexNode.Up.class,
    ApexNode.Node.class,
    IngestBench.class,
    AccuracyCommand.class,
    RunBench.class,
    ChatBench.class,
    IdleBench.class,
    ChaosCommand.class,
}, description = "Apex: where your AI money goes, and what to change.")
public final class ApexNode {
  static final int EXIT_USAGE = 2;

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ApexNode());
    cli.addSubcommand(new PricingCommand());
    cli.addSubcommand(new DemoDataCommand());
    cli.setParameterExceptionHandler((e, a) -> {
      System.err.println("apex: " + e.getMessage());
      e.getCommandLine().usage(System.err);
      return EXIT_USAGE;
    });
    return cli;
  }

  abstract static class Common implements Callable<Integer> {
    @Option(names = "--config", description = "Extra JSON config file, applied over the profile.")
    Path configFile;

    @Option(names = "--profile", description = "dev (default), test or prod.")
    String profile;

    @Option(names = "--port", description = "HTTP port of the ws-bridge.")
    Integer port;

    @Option(names = "--cluster", description = "Join the Hazelcast cluster (TCP-IP on cluster.members).")
    boolean cluster;

    @Option(names = "--instances", defaultValue = "1", description = "Instances of each verticle (default 1).")
    int instances;

    @Option(names = "--set", description = "Any setting, e.g. --set runs.timeout_ms=30000 (repeatable).")
    Map<String, String> sets = new LinkedHashMap<>();

    abstract String verticles();

    @Override
    public Integer call() throws InterruptedException {
      List<Role> roles;
      try {
        roles = Role.parse(verticles());
      } catch (IllegalArgumentException e) {
        System.err.println("apex: " + e.getMessage());
        return EXIT_USAGE;
      }
      if (instances < 1 || instances > 64) {
        System.err.println("apex: --instances must be between 1 and 64, got " + instances);
        return EXIT_USAGE;
      }
      Map<String, String> overrides = new LinkedHashMap<>(sets);
      if (profile != null) {
        overrides.put("profile", profile);
      }
      if (port != null) {
        overrides.put("http.port", String.valueOf(port));
      }
      if (cluster) {
        overrides.put("cluster.enabled", "true");
      }
      ApexConfig config;
      try {
        config = new ConfigLoader(System.getenv()).load(configFile, overrides);
      } catch (ConfigException e) {
        System.err.println("apex: the configuration has " + e.problems().size() + " problem(s):");
        e.problems().forEach(p -> System.err.println("  - " + p));
        return EXIT_USAGE;
      }
      LogFormat.apply(config.string("log.format"));
      return run(config, roles);
    }

    private int run(ApexConfig config, List<Role> roles) throws InterruptedException {
      CountDownLatch stopped = new CountDownLatch(1);
      NodeLauncher.RunningNode node;
      try {
        node = NodeLauncher.start(config, roles, instances).toCompletionStage().toCompletableFuture().join();
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        System.err.println("apex: the node failed to start: " + cause.getMessage());
        return 1;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.out.println("apex: shutting down");
        node.close().toCompletionStage().toCompletableFuture().join();
        stopped.countDown();
      }, "apex-shutdown"));
      Banner.print(node, roles);
      stopped.await();
      return 0;
    }
  }

  @Command(name = "up", description = "Everything in one JVM: embedded PostgreSQL and Redis, demo user and data.")
  static final class Up extends Common {
    @Override
    String verticles() {
      return "all";
    }
  }

  @Command(name = "node", description = "A node running some verticles, e.g. --verticles triage,data --cluster.")
  static final class Node extends Common {
    @Option(names = "--verticles", defaultValue = "all",
        description = "Comma-separated: auth, ws-bridge, supervisor, triage, data, optimizer, report, inspector, or all.")
    String verticles;

    @Override
    String verticles() {
      return verticles;
    }
  }
}
