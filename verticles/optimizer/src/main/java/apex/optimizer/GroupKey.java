package apex.optimizer;

/** A feature × provider × model group, as the data stage spells it, for joining its tables. */
record GroupKey(String feature, String provider, String model) {}
