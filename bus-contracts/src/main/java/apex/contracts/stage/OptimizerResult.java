package apex.contracts.stage;

import apex.contracts.Contract;

import java.util.List;

/** Recommendations ranked by savings, with the monthly spend they were priced against. */
public record OptimizerResult(double monthlySpendUsd, double totalMonthlySavingsUsd,
                              List<Recommendation> recommendations, List<String> unpricedModels, String method)
    implements Contract {}
