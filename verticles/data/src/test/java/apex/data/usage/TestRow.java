package apex.data.usage;

import java.time.Instant;

/**
 * A usage row for analysis tests: a successful {@code openai/gpt-5.4} call of the {@code chat}
 * feature that cost nothing and has no optional fields, changed only where a test says so.
 */
final class TestRow {
  private final Instant ts;
  private String provider = "openai";
  private String model = "gpt-5.4";
  private String feature = "chat";
  private long input;
  private long cached;
  private long cacheWrites;
  private long output;
  private Integer latencyMs;
  private String status = "ok";
  private String finishReason;
  private Integer maxTokens;
  private String promptHash;
  private boolean batch;
  private Double costUsd = 0.0;

  private TestRow(Instant ts) {
    this.ts = ts;
  }

  static TestRow at(String isoInstant) {
    return new TestRow(Instant.parse(isoInstant));
  }

  TestRow feature(String name) {
    feature = name;
    return this;
  }

  TestRow model(String providerName, String modelName) {
    provider = providerName;
    model = modelName;
    return this;
  }

  TestRow tokens(long inputTokens, long outputTokens) {
    input = inputTokens;
    output = outputTokens;
    return this;
  }

  TestRow cache(long reads, long writes) {
    cached = reads;
    cacheWrites = writes;
    return this;
  }

  TestRow latency(int ms) {
    latencyMs = ms;
    return this;
  }

  TestRow status(String value) {
    status = value;
    return this;
  }

  TestRow finish(String reason) {
    finishReason = reason;
    return this;
  }

  TestRow maxTokens(int cap) {
    maxTokens = cap;
    return this;
  }

  TestRow hash(String value) {
    promptHash = value;
    return this;
  }

  TestRow batch() {
    batch = true;
    return this;
  }

  /** {@code null} is a row without a price. */
  TestRow cost(Double usd) {
    costUsd = usd;
    return this;
  }

  UsageRecord record() {
    return new UsageRecord(ts, provider, model, feature, null, input, cached, cacheWrites, output, 0, latencyMs,
        status, finishReason, maxTokens, promptHash, batch, costUsd, null);
  }
}
