package apex.optimizer;

import apex.contracts.Addresses;
import apex.contracts.ErrorCode;
import apex.contracts.run.Agent;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.Recommendation;
import apex.contracts.stage.StageRequest;
import apex.runtime.ApexVerticle;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.pricing.Usd;
import apex.runtime.stage.StageWork;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Prices the levers that apply to the user's aggregates against the pricing catalog. */
public class OptimizerVerticle extends ApexVerticle {
  private final SavingsPlanner planner = new SavingsPlanner();
  private PricingCatalog catalog;

  public OptimizerVerticle() {
    super("optimizer", Addresses.STAGE_OPTIMIZER);
  }

  @Override
  protected Future<?> startService() {
    return vertx.executeBlocking(PricingCatalog::load)
        .onSuccess(loaded -> catalog = loaded)
        .compose(v -> serveStage(Addresses.STAGE_OPTIMIZER, Agent.OPTIMIZER, this::optimize));
  }

  private Future<OptimizerResult> optimize(StageRequest request, StageWork work) {
    if (request.data() == null) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("optimizer needs data"));
    }
    DataResult data = request.data();
    SavingsPlanner.Plan plan = planner.start(data, catalog);
    Future<?> chain = work.think("Looking up list prices for the " + data.byModel().size() + " models you use.", 0.1)
        .compose(v -> work.tool("price_models", new JsonObject().put("models", data.byModel().size()),
            () -> Future.succeededFuture(data.byModel().stream()
                .filter(m -> catalog.find(m.provider(), m.model()).isPresent()).count()),
            priced -> new JsonObject().put("priced", priced).put("unpriced", data.byModel().size() - priced)))
        .compose(priced -> work.think("Pricing " + plan.size() + " levers in turn; each one prices only what the "
            + "levers before it left, so no dollar is counted twice.", 0.3));
    for (int i = 0; i < plan.size(); i++) {
      int lever = i;
      chain = chain.compose(v -> work.tool("lever_" + plan.name(lever),
          new JsonObject().put("lever", plan.name(lever)).put("looks_at", plan.looksAt(lever)),
          () -> Future.succeededFuture(plan.apply(lever)),
          found -> new JsonObject().put("recommendations", found.size())
              .put("monthly_savings_usd", Usd.cents(found.stream().mapToDouble(Recommendation::monthlySavingsUsd).sum()))));
    }
    return chain.map(v -> plan.result());
  }
}
