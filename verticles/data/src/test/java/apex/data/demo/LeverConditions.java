package apex.data.demo;

import apex.data.usage.UsageRecord;
import apex.runtime.pricing.ModelPrice;
import apex.runtime.pricing.PricingCatalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static apex.data.demo.DemoRows.ok;
import static apex.data.demo.DemoRows.percentile;

/**
 * The conditions of the optimizer's levers (docs/ANALYSIS.md, "Optimizer: the levers") measured on
 * one feature × model group's rows, as written in the doc, plus the margins the demo keeps from them
 * where nothing is planted.
 */
record LeverConditions(double failedShare, double repeatShare, double truncatedShare, long runaways,
                       long medianMaxTokens, long p95Output, double averageOutput, boolean hasSmallerModel,
                       double cacheShare, long p05Input, long p50Input, double busiestFourHours, boolean cheaperHost) {

  static LeverConditions of(List<UsageRecord> rows, PricingCatalog catalog) {
    List<UsageRecord> ok = ok(rows);
    UsageRecord first = rows.get(0);
    long p95 = percentile(ok, UsageRecord::outputTokens, 0.95);
    return new LeverConditions(
        1 - (double) ok.size() / rows.size(),
        (double) DemoRows.repeats(rows).size() / ok.size(),
        rows.stream().filter(r -> "length".equals(r.finishReason())).count() / (double) rows.size(),
        ok.stream().filter(r -> r.outputTokens() > 2 * p95).count(),
        percentile(rows, UsageRecord::maxTokens, 0.5),
        p95,
        ok.stream().mapToLong(UsageRecord::outputTokens).average().orElse(0),
        catalog.smallerSibling(first.provider(), first.model()).isPresent(),
        rows.stream().mapToLong(UsageRecord::cachedInputTokens).sum()
            / (double) rows.stream().mapToLong(UsageRecord::inputTokens).sum(),
        percentile(ok, UsageRecord::inputTokens, 0.05),
        percentile(ok, UsageRecord::inputTokens, 0.5),
        DemoRows.busiestFourHours(rows),
        cheaperHost(rows, catalog));
  }

  /** Whether another provider sells the model ≥ 10 % cheaper on the group's tokens. */
  private static boolean cheaperHost(List<UsageRecord> rows, PricingCatalog catalog) {
    UsageRecord first = rows.get(0);
    ModelPrice current = catalog.find(first.provider(), first.model()).orElseThrow();
    double now = listCost(current, rows);
    return catalog.otherHosts(first.provider(), first.model()).stream().anyMatch(p -> listCost(p, rows) <= 0.9 * now);
  }

  private static double listCost(ModelPrice price, List<UsageRecord> rows) {
    return rows.stream().mapToDouble(r -> price.costUsd(r.inputTokens(), r.cachedInputTokens(), r.cacheWriteTokens(),
        r.outputTokens())).sum();
  }

  /** Each lever's "applies when" (every provider of the demo discounts cache reads and batches). */
  Map<String, Boolean> byLever() {
    Map<String, Boolean> met = new LinkedHashMap<>();
    met.put("retry_waste", failedShare >= 0.05);
    met.put("duplicate_caching", repeatShare >= 0.05);
    met.put("output_caps_truncation", truncatedShare >= 0.02);
    met.put("output_caps_runaway", runaways > 0 && medianMaxTokens >= 4 * p95Output);
    met.put("model_right_sizing", averageOutput <= 300 && hasSmallerModel);
    met.put("prompt_caching", cacheShare < 0.10 && p05Input >= 1_024 && p05Input >= 0.6 * p50Input);
    met.put("batch_api", busiestFourHours >= 0.8);
    return met;
  }

  /** Every lever but {@code planted} missed by a margin, so sampling noise cannot tip a group over. */
  boolean clearOfUnplantedLevers(String planted) {
    return ("retry_waste".equals(planted) || failedShare <= 0.01)
        && ("duplicate_caching".equals(planted) || repeatShare == 0)
        && ("output_caps_truncation".equals(planted) || truncatedShare == 0)
        && ("output_caps_runaway".equals(planted) || runaways == 0 && medianMaxTokens < 4 * p95Output)
        && ("model_right_sizing".equals(planted) || averageOutput > 360 || !hasSmallerModel)
        && ("prompt_caching".equals(planted) || cacheShare >= 0.15 || p05Input < 0.5 * p50Input)
        && ("batch_api".equals(planted) || busiestFourHours < 0.6);
  }
}
