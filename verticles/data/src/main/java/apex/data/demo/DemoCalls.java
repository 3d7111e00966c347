package apex.data.demo;

import apex.data.demo.DemoFeature.ModelUse;
import apex.data.usage.CostFunction;
import apex.data.usage.UsageRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Makes the rows of one request of a feature: a fresh prompt, or an exact repeat of an earlier
 * successful one; and for a feature that retries, a failed call retried with the same prompt.
 */
final class DemoCalls {
  /** The share of support-chat calls that fail during a retry storm. */
  static final double STORM_FAILURE = 0.7;
  /** How many earlier successful prompts a repeating feature draws its repeats from. */
  private static final int REPEAT_POOL = 300;

  /** One prompt as sent, possibly several times. */
  private record Prompt(ModelUse model, long input, long cacheRead, long cacheWrite, String hash) {}

  private final Random random;
  private final CostFunction cost;
  private final DemoSchedule schedule;
  private final Map<String, List<UsageRecord>> repeatable = new HashMap<>();

  DemoCalls(Random random, CostFunction cost, DemoSchedule schedule) {
    this.random = random;
    this.cost = cost;
    this.schedule = schedule;
  }

  /** The rows of one request of {@code feature} first sent at {@code ts}, in time order. */
  List<GeneratedCall> request(DemoFeature feature, Instant ts, boolean spike) {
    List<UsageRecord> earlier = repeatable.computeIfAbsent(feature.name(), f -> new ArrayList<>());
    if (!earlier.isEmpty() && random.nextDouble() < feature.repeatShare()) {
      return List.of(repeat(feature, earlier.get(random.nextInt(earlier.size())), ts));
    }
    Prompt prompt = prompt(feature);
    List<GeneratedCall> calls = new ArrayList<>();
    Instant at = ts;
    GeneratedCall call = attempt(feature, prompt, at, spike);
    calls.add(call);
    while (!call.ok() && calls.size() <= feature.retries()) {
      // exponential backoff after the failed call returned: 1 s, 2 s, 4 s, plus jitter
      at = at.plusMillis(call.record().latencyMs() + (1000L << (calls.size() - 1)) + random.nextInt(1000));
      call = attempt(feature, prompt, at, spike);
      calls.add(call);
    }
    if (feature.repeatShare() > 0 && call.ok()) {
      remember(earlier, call.record());
    }
    return calls;
  }

  private void remember(List<UsageRecord> earlier, UsageRecord record) {
    if (earlier.size() < REPEAT_POOL) {
      earlier.add(record);
    } else {
      earlier.set(random.nextInt(REPEAT_POOL), record);
    }
  }

  /** The same prompt, tokens and cost as {@code original}; only when, who and how fast differ. */
  private GeneratedCall repeat(DemoFeature feature, UsageRecord original, Instant ts) {
    int latency = (int) Math.round(original.latencyMs() * (0.8 + 0.4 * random.nextDouble()));
    UsageRecord r = new UsageRecord(ts, original.provider(), original.model(), original.feature(), requestId(),
        original.inputTokens(), original.cachedInputTokens(), original.cacheWriteTokens(), original.outputTokens(),
        original.reasoningTokens(), latency, UsageRecord.OK, original.finishReason(), original.maxTokens(),
        original.promptHash(), false, original.costUsd(), endUser(feature));
    return new GeneratedCall(r, false, true, false);
  }

  private Prompt prompt(DemoFeature feature) {
    ModelUse model = pickModel(feature);
    long input = feature.promptPrefix() + feature.input().draw(random);
    long cacheRead = feature.cacheHit() == 0 ? 0
        : Math.min(input, Math.round(input * feature.cacheHit() * (0.5 + random.nextDouble())));
    long cacheWrite = feature.cacheWrite() == 0 ? 0
        : Math.min(input - cacheRead, Math.round(input * feature.cacheWrite() * 2 * random.nextDouble()));
    return new Prompt(model, input, cacheRead, cacheWrite, hex());
  }

  private GeneratedCall attempt(DemoFeature feature, Prompt prompt, Instant ts, boolean spike) {
    ModelUse model = prompt.model();
    boolean runaway = feature.runawayShare() > 0 && random.nextDouble() < feature.runawayShare();
    long output = runaway
        ? DemoFeature.RUNAWAY_MIN + (long) (random.nextDouble() * (DemoFeature.RUNAWAY_MAX - DemoFeature.RUNAWAY_MIN))
        : feature.output().draw(random);
    String finish = "stop";
    if (output >= feature.maxTokens()) {
      output = feature.maxTokens();
      finish = "length";
    }
    long reasoning = Math.min(output, Math.round(output * model.reasoningShare() * (0.5 + random.nextDouble())));
    int latency = (int) Math.round(model.latencyBaseMs() * (0.7 + 0.6 * random.nextDouble())
        + output * model.msPerOutputToken() * (0.8 + 0.4 * random.nextDouble()));
    double failureRate = feature.plant() == Plant.RETRY_STORMS && schedule.inStorm(ts)
        ? STORM_FAILURE : feature.failureRate();
    String status = random.nextDouble() < failureRate ? failure() : UsageRecord.OK;
    Double costUsd;
    switch (status) {
      case "rate_limited" -> { // rejected before any work: not billed, nothing generated
        output = 0;
        reasoning = 0;
        finish = null;
        latency = 20 + random.nextInt(80);
        costUsd = 0.0;
      }
      case "error" -> { // failed mid-way: input billed, no output
        output = 0;
        reasoning = 0;
        finish = null;
        latency = latency / 3;
        costUsd = price(prompt, 0);
      }
      case "timeout" -> { // the client gave up; the provider still finished and billed it
        finish = null;
        latency = 60_000 + random.nextInt(30_000);
        costUsd = price(prompt, output);
      }
      default -> costUsd = price(prompt, output);
    }
    UsageRecord r = new UsageRecord(ts, model.provider(), model.model(), feature.name(), requestId(), prompt.input(),
        prompt.cacheRead(), prompt.cacheWrite(), output, reasoning, latency, status, finish, feature.maxTokens(),
        prompt.hash(), false, costUsd, endUser(feature));
    return new GeneratedCall(r, runaway && UsageRecord.OK.equals(status), false, spike);
  }

  private Double price(Prompt prompt, long output) {
    return cost.costUsd(prompt.model().provider(), prompt.model().model(), prompt.input(), prompt.cacheRead(),
        prompt.cacheWrite(), output);
  }

  private String failure() {
    double x = random.nextDouble();
    return x < 0.5 ? "error" : x < 0.75 ? "timeout" : "rate_limited";
  }

  private ModelUse pickModel(DemoFeature feature) {
    double x = random.nextDouble() * feature.models().stream().mapToDouble(ModelUse::share).sum();
    for (ModelUse m : feature.models()) {
      x -= m.share();
      if (x < 0) {
        return m;
      }
    }
    return feature.models().get(feature.models().size() - 1);
  }

  private String endUser(DemoFeature feature) {
    return feature.endUsers() ? "cust_" + (1 + random.nextInt(400)) : null;
  }

  private String requestId() {
    return "req_" + hex();
  }

  private String hex() {
    return String.format("%016x", random.nextLong());
  }
}
