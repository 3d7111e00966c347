package apex.optimizer;

import apex.contracts.stage.DataResult.FeatureModelSpend;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each feature × model group still costs in the window after the levers applied so far. A
 * lever prices only what is left and takes its savings out, so no dollar is saved twice. A group
 * whose traffic moves to another model is closed: later levers priced on the old model no longer
 * apply to it.
 */
final class Ledger {
  private final Map<GroupKey, Double> remaining = new LinkedHashMap<>();

  Ledger(List<FeatureModelSpend> groups) {
    groups.forEach(g -> remaining.merge(new GroupKey(g.feature(), g.provider(), g.model()), g.costUsd(), Double::sum));
  }

  /** The group's window cost not yet claimed; 0 for a group the data stage did not report. */
  double remaining(GroupKey key) {
    return remaining.getOrDefault(key, 0.0);
  }

  /** Claims up to {@code amount} of the group's remaining cost and returns what it claimed. */
  double take(GroupKey key, double amount) {
    double taken = Math.max(0, Math.min(amount, remaining(key)));
    if (taken > 0) {
      remaining.put(key, remaining(key) - taken);
    }
    return taken;
  }

  /** The group's traffic leaves its model: nothing of it is left for later levers. */
  void close(GroupKey key) {
    remaining.computeIfPresent(key, (k, v) -> 0.0);
  }

  List<GroupKey> ofFeature(String feature) {
    return remaining.keySet().stream().filter(k -> k.feature().equals(feature)).toList();
  }
}
