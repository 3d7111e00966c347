package apex.data.demo;

import apex.data.usage.UsageRecord;

/**
 * A generated row and how it was made, which the stored row alone cannot tell: whether its answer ran
 * away, whether it repeats an earlier prompt on purpose, whether it belongs to the spike.
 */
record GeneratedCall(UsageRecord record, boolean runaway, boolean repeat, boolean spike) {

  boolean ok() {
    return UsageRecord.OK.equals(record.status());
  }

  /** What the provider billed, 0 when unpriced: the truths only ever count billed dollars. */
  double cost() {
    return record.costUsd() == null ? 0 : record.costUsd();
  }
}
