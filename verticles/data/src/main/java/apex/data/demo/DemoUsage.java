package apex.data.demo;

import apex.data.usage.UsageRecord;

import java.util.List;

/** The generated rows, in time order, and their manifest. */
public record DemoUsage(List<UsageRecord> records, Manifest manifest) {}
