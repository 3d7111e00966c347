package apex.data.demo;

import apex.data.usage.UsageRecord;
import apex.runtime.pricing.ModelPrice;
import apex.runtime.pricing.PricingCatalog;

import java.util.Locale;
import java.util.Optional;

/**
 * The inefficiencies planted in the demo data, each named by the optimizer lever that should find it
 * (docs/ANALYSIS.md), and its truth: what a row would have cost without it, computed from how the row
 * was made and the catalog prices, never from the optimizer's aggregate formulas.
 */
enum Plant {
  /** Every call of the feature could run on the smaller sibling: the difference on the same tokens. */
  RIGHT_SIZING("model_right_sizing") {
    @Override
    double saving(GeneratedCall call, PricingCatalog catalog) {
      UsageRecord r = call.record();
      return catalog.byId(r.provider(), RIGHT_SIZED_MODEL)
          .map(smaller -> call.cost() - billed(smaller, r, r.cachedInputTokens()))
          .orElse(0.0);
    }

    @Override
    String detail(Tally tally, DemoSchedule schedule) {
      return String.format(Locale.ROOT, "%,d calls writing 5-40-token labels; the same tokens on %s",
          tally.calls(), RIGHT_SIZED_MODEL);
    }
  },
  /** The fixed system prompt could be read from cache on every call. */
  PROMPT_CACHING("prompt_caching") {
    @Override
    double saving(GeneratedCall call, PricingCatalog catalog) {
      UsageRecord r = call.record();
      return price(catalog, r)
          .map(p -> call.cost() - billed(p, r, r.cachedInputTokens() + POLICY_PROMPT_TOKENS))
          .orElse(0.0);
    }

    @Override
    String detail(Tally tally, DemoSchedule schedule) {
      return String.format(Locale.ROOT, "a %,d-token system prompt resent uncached on %,d calls",
          POLICY_PROMPT_TOKENS, tally.calls());
    }
  },
  /** A scheduled job on the standard API: the whole of it at the provider's batch price. */
  BATCH("batch_api") {
    @Override
    double saving(GeneratedCall call, PricingCatalog catalog) {
      return catalog.batchDiscount(call.record().provider()).map(d -> call.cost() * d.discount()).orElse(0.0);
    }

    @Override
    String detail(Tally tally, DemoSchedule schedule) {
      return String.format(Locale.ROOT, "%,d calls between 01:00 and 04:00 UTC, none on the batch API",
          tally.calls());
    }
  },
  /** Answers beyond the longest normal answer, at the model's output price. */
  RUNAWAY("output_caps") {
    @Override
    boolean carries(GeneratedCall call) {
      return call.runaway();
    }

    @Override
    double saving(GeneratedCall call, PricingCatalog catalog) {
      UsageRecord r = call.record();
      return carries(call)
          ? price(catalog, r).map(p -> (r.outputTokens() - LONGEST_NORMAL_REPORT) * p.output().at(r.inputTokens()) / 1e6)
              .orElse(0.0)
          : 0;
    }

    @Override
    String detail(Tally tally, DemoSchedule schedule) {
      return String.format(Locale.ROOT, "%,d of %,d calls ran away to %,d-%,d output tokens; normal answers end by %,d",
          tally.planted(), tally.calls(), DemoFeature.RUNAWAY_MIN, DemoFeature.RUNAWAY_MAX, LONGEST_NORMAL_REPORT);
    }
  },
  /** A cut-off answer is asked again: the truncated calls are spent for nothing. */
  TRUNCATION("output_caps") {
    @Override
    boolean carries(GeneratedCall call) {
      return "length".equals(call.record().finishReason());
    }

    @Override
    String detail(Tally tally, DemoSchedule schedule) {
      return String.format(Locale.ROOT, "%,d of %,d calls (%.1f %%) cut off at max_tokens", tally.planted(),
          tally.calls(), 100.0 * tally.planted() / tally.calls());
    }
  },
  /** Calls that did not end ok, mostly in retry storms. */
  RETRY_STORMS("retry_waste") {
    @Override
    boolean carries(GeneratedCall call) {
      return !call.ok();
    }

    @Override
    String detail(Tally tally, DemoSchedule schedule) {
      return String.format(Locale.ROOT, "%,d of %,d calls failed, mostly in 30-minute retry storms on %d days",
          tally.planted(), tally.calls(), schedule.stormStarts().size());
    }
  },
  /** Successful calls repeating an earlier identical prompt: a response cache would answer them. */
  REPEATS("duplicate_caching") {
    @Override
    boolean carries(GeneratedCall call) {
      return call.repeat() && call.ok();
    }

    @Override
    String detail(Tally tally, DemoSchedule schedule) {
      return String.format(Locale.ROOT, "%,d of %,d calls repeat an earlier identical prompt", tally.planted(),
          tally.calls());
    }
  },
  /** A one-day backfill: the extra calls' cost is what an alert would have stopped. */
  SPIKE("anomaly_alerts") {
    @Override
    boolean carries(GeneratedCall call) {
      return call.spike();
    }

    @Override
    String detail(Tally tally, DemoSchedule schedule) {
      return String.format(Locale.ROOT, "spike on %s (%s): %,d extra calls", schedule.spikeDay(),
          schedule.spikeDay().getDayOfWeek().toString().toLowerCase(Locale.ROOT), tally.planted());
    }
  };

  /** The system prompt of policy-assistant, resent on every call. */
  static final long POLICY_PROMPT_TOKENS = 12_000;
  /** report-writer's normal answers are clipped here; beyond it an answer ran away. */
  static final long LONGEST_NORMAL_REPORT = 1_600;
  /** What ticket-classifier's labels need: gpt-5.4's smaller sibling. */
  static final String RIGHT_SIZED_MODEL = "gpt-5.4-mini";

  private final String lever;

  Plant(String lever) {
    this.lever = lever;
  }

  /** The optimizer lever that should find this plant (docs/ANALYSIS.md). */
  String lever() {
    return lever;
  }

  /** Whether this row is one of the plant's wasteful calls: by default every call of the feature is. */
  boolean carries(GeneratedCall call) {
    return true;
  }

  /** What this row would have saved, in USD: by default the whole cost of a wasteful call. */
  double saving(GeneratedCall call, PricingCatalog catalog) {
    return carries(call) ? call.cost() : 0;
  }

  /** One line for the manifest. */
  abstract String detail(Tally tally, DemoSchedule schedule);

  /** One feature × model group's count of calls, of planted calls and their savings. */
  record Tally(int calls, int planted, double savingsUsd) {}

  private static Optional<ModelPrice> price(PricingCatalog catalog, UsageRecord r) {
    return catalog.find(r.provider(), r.model());
  }

  /**
   * The row's tokens at {@code price} with {@code cached} input tokens read from cache; nothing for a
   * rate-limited call, which the provider never billed. An error row carries no output, so only its
   * input is billed.
   */
  private static double billed(ModelPrice price, UsageRecord r, long cached) {
    if ("rate_limited".equals(r.status())) {
      return 0;
    }
    return price.costUsd(r.inputTokens(), Math.min(r.inputTokens(), cached), r.cacheWriteTokens(), r.outputTokens());
  }
}
