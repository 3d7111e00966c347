package apex.optimizer;

/** The usage rows' (provider, model) pair, as the data stage spells it, for joining its tables. */
record ModelKey(String provider, String model) {}
