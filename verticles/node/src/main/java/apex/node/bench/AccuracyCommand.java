package apex.node.bench;

import apex.runtime.config.ApexConfig;
import apex.runtime.devservices.DevServices;
import apex.runtime.storage.Postgres;
import apex.runtime.storage.RedisStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code apex bench accuracy}: {@link SavingsAccuracy} over several seeds and sizes, on its own
 * embedded PostgreSQL and Redis. Exit 0 when every planted saving of every case is found within
 * ±10 % and nothing unplanted is worth more than 2 % of spend, 1 otherwise.
 */
@Command(name = "bench-accuracy", mixinStandardHelpOptions = true,
    description = "Plant inefficiencies in generated usage and check the analysis finds each within ±10 %.")
public final class AccuracyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "Generator seeds (default 1,2,3).")
  List<Long> seeds;

  @Option(names = "--sizes", split = ",", defaultValue = "14x5000,30x20000,60x100000",
      description = "DAYSxROWS data sets (default 14x5000,30x20000,60x100000).")
  List<String> sizes;

  @Option(names = "--last-day", description = "The data's last day, YYYY-MM-DD (default today, UTC).")
  LocalDate lastDay;

  @Override
  public Integer call() throws Exception {
    List<SavingsAccuracy.Case> cases = cases();
    LocalDate last = lastDay == null ? LocalDate.now(ZoneOffset.UTC) : lastDay;
    PrintStream out = System.out;
    try (DevServices services = DevServices.startEphemeral()) {
      Vertx vertx = Vertx.vertx();
      try {
        ApexConfig config = BenchConfig.of(services, Map.of());
        Postgres.migrate(vertx, config, "usage").await();
        Pool pool = Postgres.pool(vertx, config);
        SavingsAccuracy accuracy = new SavingsAccuracy(vertx, pool, Postgres.jdbc(config), RedisStore.api(vertx, config));
        List<SavingsAccuracy.Outcome> outcomes = new ArrayList<>();
        for (SavingsAccuracy.Case c : cases) {
          SavingsAccuracy.Outcome outcome = accuracy.measure(c, last).await();
          print(out, outcome);
          outcomes.add(outcome);
        }
        pool.close().await();
        return summary(out, outcomes);
      } finally {
        vertx.close().await();
      }
    }
  }

  private List<SavingsAccuracy.Case> cases() {
    List<SavingsAccuracy.Case> cases = new ArrayList<>();
    for (String size : sizes) {
      String[] parts = size.toLowerCase(Locale.ROOT).split("x");
      int days;
      int rows;
      try {
        days = Integer.parseInt(parts[0].trim());
        rows = Integer.parseInt(parts[1].trim());
      } catch (RuntimeException e) {
        throw new ParameterException(spec.commandLine(), "--sizes: expected DAYSxROWS such as 30x20000, got '" + size + "'");
      }
      if (days < 7 || rows < 1000) {
        throw new ParameterException(spec.commandLine(), "--sizes: at least 7 days and 1000 rows, got '" + size + "'");
      }
      seeds.forEach(seed -> cases.add(new SavingsAccuracy.Case(seed, days, rows)));
    }
    return cases;
  }

  private static void print(PrintStream out, SavingsAccuracy.Outcome o) {
    out.printf(Locale.US, "%n%s: %,d rows stored, spend $%,.2f a month, analysis %d ms%n", o.dataSet(),
        o.storedRows(), o.monthlySpendUsd(), o.analysisMs());
    out.printf("  %-20s %-44s %12s %12s %8s%n", "lever", "feature / model", "truth $/mo", "found $/mo", "error");
    o.findings().forEach(f -> out.printf(Locale.US, "  %-20s %-44s %12.2f %12.2f %+7.1f%% %s%n",
        f.planted().lever(), f.planted().feature() + " / " + f.planted().model(), f.planted().monthlySavingsUsd(),
        f.foundUsd(), 100 * f.error(), f.ok() ? "" : "MISS"));
    o.unplanted().forEach(r -> out.printf(Locale.US, "  UNPLANTED above 2 %% of spend: %s $%.2f%n", r.id(),
        r.monthlySavingsUsd()));
    o.minorUnplanted().forEach(r -> out.printf(Locale.US, "  unplanted below 2 %% of spend: %s $%.2f%n", r.id(),
        r.monthlySavingsUsd()));
  }

  private static int summary(PrintStream out, List<SavingsAccuracy.Outcome> outcomes) {
    List<Double> errors = outcomes.stream().flatMap(o -> o.findings().stream())
        .map(f -> Math.abs(f.error())).sorted().toList();
    long misses = outcomes.stream().flatMap(o -> o.findings().stream()).filter(f -> !f.ok()).count();
    long unplanted = outcomes.stream().mapToLong(o -> o.unplanted().size()).sum();
    out.printf(Locale.US, "%n%d cases, %d planted savings: %d outside ±10 %%, %d unplanted above 2 %% of spend; "
            + "absolute error median %.1f %%, max %.1f %%%n", outcomes.size(), errors.size(), misses, unplanted,
        100 * errors.get(errors.size() / 2), 100 * errors.get(errors.size() - 1));
    return misses == 0 && unplanted == 0 ? 0 : 1;
  }
}
