package apex.node.bench;

import apex.contracts.run.Agent;
import apex.contracts.run.RunRef;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.Recommendation;
import apex.contracts.stage.Window;
import apex.data.demo.DemoUsage;
import apex.data.demo.DemoUsageGenerator;
import apex.data.demo.PlantedSaving;
import apex.data.usage.AggregateCache;
import apex.data.usage.UsageAnalysis;
import apex.data.usage.UsageWriter;
import apex.optimizer.SavingsPlanner;
import apex.runtime.events.RunEventEmitter;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.stage.StageWork;
import apex.runtime.storage.Postgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Checks the analysis against the truth: generates demo usage with planted inefficiencies, stores it
 * for a fresh user, runs the data stage's analyses and the optimizer exactly as a run does, and
 * compares every planted saving of the generator's manifest with the recommendation that found it.
 * A planted saving counts as found within {@link #TOLERANCE} of its truth; a recommendation that
 * matches no plant and is worth more than {@link #UNPLANTED_SHARE} of the monthly spend is a false
 * finding.
 */
public final class SavingsAccuracy {
  public static final double TOLERANCE = 0.10;
  public static final double UNPLANTED_SHARE = 0.02;

  /** One generated data set. */
  public record Case(long seed, int days, int rows) {
    @Override
    public String toString() {
      return String.format(Locale.US, "seed %d, %d days, %,d rows", seed, days, rows);
    }
  }

  /** A planted saving and what the optimizer said of it; {@code foundUsd} is 0 when nothing matched. */
  public record Finding(PlantedSaving planted, double foundUsd, String recommendationId) {
    public double error() {
      return planted.monthlySavingsUsd() == 0 ? 0 : foundUsd / planted.monthlySavingsUsd() - 1;
    }

    public boolean ok() {
      return recommendationId != null && Math.abs(error()) <= TOLERANCE;
    }
  }

  /** The outcome of one case. */
  public record Outcome(Case dataSet, int storedRows, double monthlySpendUsd, List<Finding> findings,
                        List<Recommendation> unplanted, List<Recommendation> minorUnplanted, long analysisMs) {
    public boolean ok() {
      return unplanted.isEmpty() && findings.stream().allMatch(Finding::ok);
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Postgres.Jdbc jdbc;
  private final RedisAPI redis;

  /** {@code pool} and {@code jdbc} reach a database whose {@code usage} schema is migrated. */
  public SavingsAccuracy(Vertx vertx, Pool pool, Postgres.Jdbc jdbc, RedisAPI redis) {
    this.vertx = vertx;
    this.pool = pool;
    this.jdbc = jdbc;
    this.redis = redis;
  }

  /** Generates, stores and analyses one case; the data's last day is {@code lastDay}, priced as of that day. */
  public Future<Outcome> measure(Case dataSet, LocalDate lastDay) {
    PricingCatalog catalog = PricingCatalog.load(lastDay);
    String user = "accuracy-" + UUID.randomUUID();
    return vertx.executeBlocking(() -> new DemoUsageGenerator().generate(dataSet.seed(), dataSet.days(),
            dataSet.rows(), lastDay, catalog))
        .compose(demo -> new UsageWriter(vertx, jdbc).write(user, "accuracy", "demo", demo.records())
            .compose(stored -> analyse(user, demo, catalog)
                .map(plan -> compare(dataSet, stored.rows(), demo, plan.result(), plan.analysisMs()))));
  }

  private record Analysed(OptimizerResult result, long analysisMs) {}

  private Future<Analysed> analyse(String user, DemoUsage demo, PricingCatalog catalog) {
    Window window = new Window(demo.manifest().firstDay().toString(), demo.manifest().lastDay().toString(),
        demo.manifest().days());
    StageWork work = new StageWork(new RunEventEmitter(vertx, redis), new RunRef("accuracy-" + user, "-", user),
        Agent.DATA);
    long start = System.nanoTime();
    return new UsageAnalysis(pool, new AggregateCache(redis)).run(user, window, work)
        .map(data -> new Analysed(new SavingsPlanner().plan(data, catalog), (System.nanoTime() - start) / 1_000_000));
  }

  private static Outcome compare(Case dataSet, int storedRows, DemoUsage demo, OptimizerResult result, long ms) {
    List<Recommendation> unmatched = new ArrayList<>(result.recommendations());
    List<Finding> findings = new ArrayList<>();
    for (PlantedSaving planted : demo.manifest().planted()) {
      Recommendation match = unmatched.stream().filter(r -> matches(r, planted)).findFirst().orElse(null);
      if (match != null) {
        unmatched.remove(match);
      }
      findings.add(new Finding(planted, match == null ? 0 : match.monthlySavingsUsd(),
          match == null ? null : match.id()));
    }
    double floor = UNPLANTED_SHARE * result.monthlySpendUsd();
    return new Outcome(dataSet, storedRows, result.monthlySpendUsd(), findings,
        unmatched.stream().filter(r -> r.monthlySavingsUsd() > floor).toList(),
        unmatched.stream().filter(r -> r.monthlySavingsUsd() <= floor).toList(), ms);
  }

  /** Same lever, and (but for alerts, which name a day) the recommendation's id names the group. */
  private static boolean matches(Recommendation r, PlantedSaving planted) {
    if (!r.lever().equals(planted.lever())) {
      return false;
    }
    return "anomaly_alerts".equals(planted.lever())
        || (r.id().contains(slug(planted.feature())) && r.id().contains(slug(planted.model())));
  }

  private static String slug(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-");
  }
}
