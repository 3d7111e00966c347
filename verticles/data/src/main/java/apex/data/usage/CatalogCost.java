package apex.data.usage;

import apex.runtime.pricing.PricingCatalog;

/** Prices a request from the pricing catalog; an unknown model is unpriced (null), never free. */
public final class CatalogCost {
  private CatalogCost() {}

  public static CostFunction of(PricingCatalog catalog) {
    return (provider, model, input, cached, cacheWrite, output) -> catalog.find(provider, model)
        .map(price -> price.costUsd(input, cached, cacheWrite, output))
        .orElse(null);
  }
}
