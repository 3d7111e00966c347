package apex.optimizer;

import apex.contracts.Addresses;
import apex.contracts.ErrorCode;
import apex.contracts.run.Agent;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.StageRequest;
import apex.runtime.ApexVerticle;
import apex.runtime.pricing.PricingCatalog;
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
    return work.think("Looking up list prices for the " + data.byModel().size() + " models you use.", 0.1)
        .compose(v -> work.tool("price_models", new JsonObject().put("models", data.byModel().size()),
            () -> Future.succeededFuture(data.byModel().stream()
                .filter(m -> catalog.find(m.provider(), m.model()).isPresent()).count()),
            priced -> new JsonObject().put("priced", priced).put("unpriced", data.byModel().size() - priced)))
        .compose(priced -> work.think("Pricing cheaper models and prompt caching on what each feature really does.", 0.5))
        .compose(v -> work.tool("plan_savings", new JsonObject().put("levers", "model_right_sizing,prompt_caching"),
            () -> Future.succeededFuture(planner.plan(data, catalog)),
            plan -> new JsonObject().put("recommendations", plan.recommendations().size())
                .put("total_monthly_savings_usd", plan.totalMonthlySavingsUsd())));
  }
}
