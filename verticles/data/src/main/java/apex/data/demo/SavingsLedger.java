package apex.data.demo;

import apex.runtime.pricing.PricingCatalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Adds up, row by row, each planted feature × model group's calls and true savings. */
final class SavingsLedger {
  private final PricingCatalog catalog;
  private final Map<String, Plant.Tally> tallies = new LinkedHashMap<>();

  SavingsLedger(PricingCatalog catalog) {
    this.catalog = catalog;
  }

  void add(DemoFeature feature, GeneratedCall call) {
    Plant plant = feature.plant();
    if (plant == null) {
      return;
    }
    String key = feature.name() + "/" + call.record().model();
    Plant.Tally t = tallies.getOrDefault(key, new Plant.Tally(0, 0, 0));
    tallies.put(key, new Plant.Tally(t.calls() + 1, t.planted() + (plant.carries(call) ? 1 : 0),
        t.savingsUsd() + plant.saving(call, catalog)));
  }

  /** One entry per group, in the order of {@link DemoFeatures#ALL} and of each feature's models. */
  List<PlantedSaving> planted(int days, DemoSchedule schedule) {
    List<PlantedSaving> planted = new ArrayList<>();
    for (DemoFeature feature : DemoFeatures.ALL) {
      for (DemoFeature.ModelUse model : feature.models()) {
        String key = feature.name() + "/" + model.model();
        Plant.Tally tally = tallies.get(key);
        if (tally != null) {
          Plant plant = feature.plant();
          planted.add(new PlantedSaving(plant.lever() + "/" + key, plant.lever(), feature.name(), model.provider(),
              model.model(), tally.savingsUsd(), tally.savingsUsd() * 30 / days, plant.detail(tally, schedule)));
        }
      }
    }
    return planted;
  }
}
