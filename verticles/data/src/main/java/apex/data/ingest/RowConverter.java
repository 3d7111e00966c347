package apex.data.ingest;

import apex.data.usage.CostFunction;
import apex.data.usage.UsageRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Turns rows into {@link UsageRecord}s in our token convention, recording every problem of a row
 * against the column as the file names it, and hands each record on as soon as it is known, so an
 * upload is never held whole. One instance per upload; not thread-safe. The fields of the row being
 * converted are kept on the instance so a row costs no allocation beyond its record.
 */
final class RowConverter {

  private static final Duration FUTURE_TOLERANCE = Duration.ofDays(1);
  private static final int MAX_VALUE_SHOWN = 40;

  private final CostFunction cost;
  private final Instant latestAllowed;
  private final Consumer<UsageRecord> sink;
  private final ProblemLog problems = new ProblemLog();
  private final TreeSet<String> unpricedModels = new TreeSet<>();
  /** Rows read from a bare latency column while its unit is still open, with their values. */
  private final List<UsageRecord> held = new ArrayList<>();
  private final BareLatencies bareLatencies = new BareLatencies();
  private int emitted;

  private int row;
  private ColumnMapping mapping;
  private String[] values;
  private boolean failed;

  /** Each valid record goes to {@code sink} as soon as it is complete, until the upload has a problem. */
  RowConverter(CostFunction cost, Instant now, Consumer<UsageRecord> sink) {
    this.cost = cost;
    this.sink = sink;
    this.latestAllowed = now.plus(FUTURE_TOLERANCE);
  }

  /** A problem of the file as a whole (row 0). */
  void fileProblem(String reason) {
    problems.add(0, null, reason);
  }

  /** A problem of a row that is not about one column (invalid JSON, not an object, wrong field count). */
  void rowProblem(int row, String reason) {
    problems.add(row, null, reason);
  }

  /** Converts one row; {@code values[i]} is the value of the mapping's column i (missing or null when absent). */
  void convert(int row, ColumnMapping mapping, String[] values) {
    this.row = row;
    this.mapping = mapping;
    this.values = values;
    this.failed = false;

    Instant ts = timestamp();
    String model = text(Field.MODEL);
    if (model == null) {
      problem(Field.MODEL, "missing model");
    }
    String provider = provider(model);
    long input = tokens(Field.INPUT_TOKENS);
    long cached = tokens(Field.CACHED_INPUT_TOKENS);
    long cacheWrite = tokens(Field.CACHE_WRITE_TOKENS);
    long output = tokens(Field.OUTPUT_TOKENS);
    long reasoning = tokens(Field.REASONING_TOKENS);
    double latency = latency();
    String status = status();
    Integer maxTokens = maxTokens();
    boolean batch = batch();
    String costText = text(Field.COST_USD);
    Double costUsd = costText == null ? null : cost(costText);
    if (failed) {
      return;
    }

    if (includesNoCache(provider)) {
      input += cached + cacheWrite;
    }
    if (output < reasoning) {
      output += reasoning;
    }
    if (cached + cacheWrite > input) {
      Field column = cached > input ? Field.CACHED_INPUT_TOKENS : Field.CACHE_WRITE_TOKENS;
      problem(column, "cache reads (" + cached + ") and cache writes (" + cacheWrite
          + ") exceed input tokens (" + input + ")");
      return;
    }
    if (costText == null) {
      costUsd = cost.costUsd(provider, model, input, cached, cacheWrite, output);
      if (costUsd == null) {
        unpricedModels.add(model);
      }
    }
    Integer latencyMs = Double.isNaN(latency) ? null : (int) Math.round(latency);
    UsageRecord record = new UsageRecord(ts, provider, model, feature(), text(Field.REQUEST_ID), input, cached,
        cacheWrite, output, reasoning, latencyMs, status, text(Field.FINISH_REASON), maxTokens,
        text(Field.PROMPT_HASH), batch, costUsd, text(Field.END_USER));
    if (latencyMs != null && Field.BARE_LATENCY.equals(mapping.alias(Field.LATENCY_MS))
        && !bareLatencies.areMilliseconds()) {
      hold(record, latency);
    } else {
      emit(record);
    }
  }

  /** A bare latency keeps its row until the unit is known: at the first value no second count has, or at the end. */
  private void hold(UsageRecord record, double latency) {
    bareLatencies.add(latency);
    held.add(record);
    if (bareLatencies.areMilliseconds()) {
      held.forEach(this::emit);
      held.clear();
    }
  }

  private void emit(UsageRecord record) {
    if (problems.count() == 0) { // a rejected upload stores nothing: stop feeding the sink
      emitted++;
      sink.accept(record);
    }
  }

  ParsedUpload finish(String format, Map<String, String> columns) {
    boolean seconds = bareLatencies.areSeconds();
    for (int i = 0; i < held.size(); i++) {
      UsageRecord record = held.get(i);
      emit(seconds ? withLatency(record, (int) Math.round(bareLatencies.value(i) * 1000)) : record);
    }
    held.clear();
    return new ParsedUpload(format, emitted, problems.listed(), problems.count(), List.copyOf(unpricedModels),
        Collections.unmodifiableMap(columns));
  }

  /**
   * Anthropic counts {@code input_tokens} without cache reads and writes; OpenAI's {@code prompt_tokens}
   * include cached tokens. Our own column names are always in our convention.
   */
  private boolean includesNoCache(String provider) {
    return mapping.hasAnthropicCacheColumns()
        || ("anthropic".equals(provider) && !mapping.hasCanonicalCacheColumns());
  }

  private Instant timestamp() {
    String text = text(Field.TS);
    if (text == null) {
      problem(Field.TS, "missing timestamp");
      return null;
    }
    Instant ts = Timestamps.parse(text);
    if (ts == null) {
      problem(Field.TS, "not a timestamp: " + quote(text));
    } else if (ts.isAfter(latestAllowed)) {
      problem(Field.TS, "more than a day in the future: " + quote(text));
    }
    return ts;
  }

  private String provider(String model) {
    String given = text(Field.PROVIDER);
    if (given != null) {
      return Providers.normalise(given);
    }
    if (model == null) {
      return null;
    }
    String inferred = Providers.infer(model);
    if (inferred == null) {
      problem(Field.PROVIDER, "unknown provider: none given and model " + quote(model) + " does not name one");
    }
    return inferred;
  }

  private String feature() {
    String text = text(Field.FEATURE);
    return text != null && Field.LIST_ALIASES.contains(mapping.alias(Field.FEATURE)) ? firstListElement(text) : text;
  }

  /** {@code ["a","b"]} or {@code a,b} → {@code a}. */
  private static String firstListElement(String list) {
    String s = list;
    if (s.startsWith("[")) {
      s = s.substring(1, s.endsWith("]") ? s.length() - 1 : s.length());
    }
    int comma = s.indexOf(',');
    s = (comma < 0 ? s : s.substring(0, comma)).trim();
    if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
      s = s.substring(1, s.length() - 1).trim();
    }
    return s.isEmpty() ? null : s;
  }

  private long tokens(Field field) {
    String text = text(field);
    if (text == null) {
      return 0;
    }
    long value = WholeNumbers.parse(text);
    if (value == WholeNumbers.INVALID) {
      problem(field, "not a whole non-negative number: " + quote(text));
      return 0;
    }
    return value;
  }

  /** Milliseconds as read (NaN when absent); a bare {@code latency} column may be rescaled in {@link #finish}. */
  private double latency() {
    String text = text(Field.LATENCY_MS);
    if (text == null) {
      return Double.NaN;
    }
    double value = parseDouble(text);
    if (!(value >= 0) || value > Integer.MAX_VALUE) {
      problem(Field.LATENCY_MS, "not a non-negative number of milliseconds: " + quote(text));
      return Double.NaN;
    }
    return value;
  }

  private String status() {
    String text = text(Field.STATUS);
    if (text == null) {
      return Statuses.OK;
    }
    String status = Statuses.parse(text, mapping.alias(Field.STATUS));
    if (status == null) {
      problem(Field.STATUS, "unknown status " + quote(text)
          + " (expected ok, error, timeout, rate_limited or an HTTP status code)");
    }
    return status;
  }

  /** 0 means "not set" in several exports; the table wants a positive limit or none. */
  private Integer maxTokens() {
    String text = text(Field.MAX_TOKENS);
    if (text == null) {
      return null;
    }
    long value = WholeNumbers.parse(text);
    if (value == WholeNumbers.INVALID || value > Integer.MAX_VALUE) {
      problem(Field.MAX_TOKENS, "not a whole non-negative number: " + quote(text));
      return null;
    }
    return value == 0 ? null : (int) value;
  }

  private boolean batch() {
    String text = text(Field.BATCH);
    if (text == null) {
      return false;
    }
    Boolean batch = Flags.parse(text);
    if (batch == null) {
      problem(Field.BATCH, "not true/false, 1/0 or yes/no: " + quote(text));
      return false;
    }
    return batch;
  }

  private Double cost(String text) {
    double value = parseDouble(text);
    if (!(value >= 0) || Double.isInfinite(value)) {
      problem(Field.COST_USD, "not a non-negative number of USD: " + quote(text));
      return null;
    }
    return value;
  }

  private static double parseDouble(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** The trimmed value of the field in the current row, or null when absent or blank. */
  private String text(Field field) {
    int index = mapping.index(field);
    if (index < 0 || index >= values.length || values[index] == null) {
      return null;
    }
    String value = values[index].strip();
    return value.isEmpty() ? null : value;
  }

  private void problem(Field field, String reason) {
    failed = true;
    String column = mapping.source(field);
    problems.add(row, column == null ? field.column : column, reason);
  }

  private static String quote(String value) {
    return "'" + (value.length() <= MAX_VALUE_SHOWN ? value : value.substring(0, MAX_VALUE_SHOWN) + "…") + "'";
  }

  private static UsageRecord withLatency(UsageRecord r, int latencyMs) {
    return new UsageRecord(r.ts(), r.provider(), r.model(), r.feature(), r.requestId(), r.inputTokens(),
        r.cachedInputTokens(), r.cacheWriteTokens(), r.outputTokens(), r.reasoningTokens(), latencyMs, r.status(),
        r.finishReason(), r.maxTokens(), r.promptHash(), r.batch(), r.costUsd(), r.endUser());
  }
}
