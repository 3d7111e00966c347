package apex.data.usage;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The rollups of one upload (V5__rollups.sql), built from its records as they are stored and written
 * in the upload's transaction: hourly sums, daily histograms, the upload's summary, and which of the
 * user's calls can repeat a prompt. The analyses read these, never the calls.
 */
public final class Rollups {
  /** Rows per INSERT, as for the records. */
  private static final int CHUNK_SIZE = 10_000;

  /** Costs arrive as micro-dollars (exact sums in Java) and are stored as dollars. */
  private static final String INSERT_HOURLY = """
      INSERT INTO usage.usage_hourly (user_id, upload_id, hour, feature, provider, model, status, batch, requests,
        input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_usd, unpriced,
        truncated, truncated_cost_usd, hashed, without_tokens, without_latency, without_max_tokens, without_finish_reason)
      SELECT $1, $2, hour, feature, provider, model, status, batch, requests, input, cached, cache_write, output,
             reasoning, cost / 1000000.0, unpriced, truncated, truncated_cost / 1000000.0, hashed, without_tokens,
             without_latency, without_max_tokens, without_finish_reason
        FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bool[], $9::int8[],
                    $10::int8[], $11::int8[], $12::int8[], $13::int8[], $14::int8[], $15::int8[], $16::int8[],
                    $17::int8[], $18::int8[], $19::int8[], $20::int8[], $21::int8[], $22::int8[], $23::int8[])
          AS t (hour, feature, provider, model, status, batch, requests, input, cached, cache_write, output, reasoning,
                cost, unpriced, truncated, truncated_cost, hashed, without_tokens, without_latency, without_max_tokens,
                without_finish_reason)""";

  private static final String INSERT_HISTOGRAMS = """
      INSERT INTO usage.usage_histograms (user_id, upload_id, day, metric, feature, provider, model, calls, buckets)
      SELECT $1, $2, * FROM unnest($3::date[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int8[], $9::bytea[])""";

  /**
   * The user's successful calls sharing (feature, provider, model, prompt_hash) with another, among the
   * prompts this upload holds; the calls of earlier uploads that now have a partner join too.
   */
  private static final String INSERT_REPEATS = """
      WITH new_hashes AS (SELECT DISTINCT prompt_hash FROM usage.usage_records
                           WHERE upload_id = $2 AND status = 'ok' AND prompt_hash IS NOT NULL),
      candidates AS (SELECT r.id, r.upload_id, r.ts, r.feature, r.provider, r.model, r.prompt_hash, r.cost_usd,
                            count(*) OVER (PARTITION BY r.feature, r.provider, r.model, r.prompt_hash) AS calls
                       FROM usage.usage_records r JOIN new_hashes USING (prompt_hash)
                      WHERE r.user_id = $1 AND r.status = 'ok')
      INSERT INTO usage.prompt_repeats (record_id, user_id, upload_id, ts, feature, provider, model, prompt_hash, cost_usd)
      SELECT id, $1, upload_id, ts, feature, provider, model, prompt_hash, cost_usd FROM candidates WHERE calls > 1
      ON CONFLICT (record_id) DO NOTHING""";

  /** Two uploads of one user committing at once would each miss the repeats spanning both. */
  private static final String LOCK_USER = "SELECT pg_advisory_xact_lock(hashtext('apex.usage.repeats:' || $1))";

  private static final String SUMMARY = """
      UPDATE usage.uploads SET first_ts = $2, last_ts = $3, cost_usd = $4 / 1000000.0, unpriced = $5, rolled_up = true
       WHERE id = $1""";

  private static final MathContext PG_FLOAT_DIGITS = new MathContext(15);

  private record HourKey(long hour, String feature, String provider, String model, String status, boolean batch) {}

  private record DayKey(long day, String metric, String feature, String provider, String model) {}

  private static final int REQUESTS = 0, INPUT = 1, CACHED = 2, CACHE_WRITE = 3, OUTPUT = 4, REASONING = 5,
      COST = 6, UNPRICED = 7, TRUNCATED = 8, TRUNCATED_COST = 9, HASHED = 10, WITHOUT_TOKENS = 11,
      WITHOUT_LATENCY = 12, WITHOUT_MAX_TOKENS = 13, WITHOUT_FINISH_REASON = 14, SUMS = 15;

  private final Map<HourKey, long[]> hourly = new HashMap<>();
  private final Map<DayKey, Histogram> histograms = new HashMap<>();
  private final TreeSet<String> unpriced = new TreeSet<>();
  private Instant firstTs;
  private Instant lastTs;
  private long costMicros;
  private long hashedOk;

  public void add(UsageRecord r) {
    long micros = r.costUsd() == null ? 0 : micros(r.costUsd());
    long[] sums = hourly.computeIfAbsent(new HourKey(Math.floorDiv(r.ts().getEpochSecond(), 3600), r.feature(), r.provider(),
        r.model(), r.status(), r.batch()), k -> new long[SUMS]);
    sums[REQUESTS]++;
    sums[INPUT] += r.inputTokens();
    sums[CACHED] += r.cachedInputTokens();
    sums[CACHE_WRITE] += r.cacheWriteTokens();
    sums[OUTPUT] += r.outputTokens();
    sums[REASONING] += r.reasoningTokens();
    sums[COST] += micros;
    boolean truncated = "length".equals(r.finishReason());
    sums[TRUNCATED] += truncated ? 1 : 0;
    sums[TRUNCATED_COST] += truncated ? micros : 0;
    sums[HASHED] += r.promptHash() == null ? 0 : 1;
    sums[WITHOUT_TOKENS] += r.inputTokens() == 0 && r.outputTokens() == 0 ? 1 : 0;
    sums[WITHOUT_LATENCY] += r.latencyMs() == null ? 1 : 0;
    sums[WITHOUT_MAX_TOKENS] += r.maxTokens() == null ? 1 : 0;
    sums[WITHOUT_FINISH_REASON] += r.finishReason() == null ? 1 : 0;
    if (r.costUsd() == null) {
      sums[UNPRICED]++;
      unpriced.add(r.model());
    }
    long day = Math.floorDiv(r.ts().getEpochSecond(), 86_400);
    boolean ok = UsageRecord.OK.equals(r.status());
    if (ok) {
      histogram(day, "input_ok", r).add(r.inputTokens());
      histogram(day, "output_ok", r).add(r.outputTokens());
      if (r.latencyMs() != null) {
        histogram(day, "latency_ok", r).add(r.latencyMs());
      }
      hashedOk += r.promptHash() == null ? 0 : 1;
    }
    if (r.maxTokens() != null) {
      histogram(day, "max_tokens", r).add(r.maxTokens());
    }
    firstTs = firstTs == null || r.ts().isBefore(firstTs) ? r.ts() : firstTs;
    lastTs = lastTs == null || r.ts().isAfter(lastTs) ? r.ts() : lastTs;
    costMicros += micros;
  }

  /** Writes the rollups of {@code uploadId}, whose records are already stored, inside {@code conn}'s transaction. */
  public Future<Void> write(SqlConnection conn, String userId, String uploadId) {
    Future<Void> chain = Future.succeededFuture();
    List<Map.Entry<HourKey, long[]>> hours = new ArrayList<>(hourly.entrySet());
    for (int start = 0; start < hours.size(); start += CHUNK_SIZE) {
      List<Map.Entry<HourKey, long[]>> chunk = hours.subList(start, Math.min(start + CHUNK_SIZE, hours.size()));
      chain = chain.compose(v -> conn.preparedQuery(INSERT_HOURLY).execute(hourlyColumns(userId, uploadId, chunk))
          .mapEmpty());
    }
    List<Map.Entry<DayKey, Histogram>> days = new ArrayList<>(histograms.entrySet());
    for (int start = 0; start < days.size(); start += CHUNK_SIZE) {
      List<Map.Entry<DayKey, Histogram>> chunk = days.subList(start, Math.min(start + CHUNK_SIZE, days.size()));
      chain = chain.compose(v -> conn.preparedQuery(INSERT_HISTOGRAMS)
          .execute(histogramColumns(userId, uploadId, chunk)).mapEmpty());
    }
    if (hashedOk > 0) {
      chain = chain.compose(v -> conn.preparedQuery(LOCK_USER).execute(Tuple.of(userId)))
          .compose(v -> conn.preparedQuery(INSERT_REPEATS).execute(Tuple.of(userId, uploadId)).mapEmpty());
    }
    return chain.compose(v -> conn.preparedQuery(SUMMARY).execute(Tuple.of(uploadId, utc(firstTs), utc(lastTs),
        costMicros, unpriced.toArray(String[]::new)))).mapEmpty();
  }

  private Histogram histogram(long day, String metric, UsageRecord r) {
    return histograms.computeIfAbsent(new DayKey(day, metric, r.feature(), r.provider(), r.model()),
        k -> new Histogram());
  }

  /** The cost as {@code numeric(14, 6)} stores it: PostgreSQL reads a float8 to 15 digits, then rounds half up. */
  private static long micros(double usd) {
    return BigDecimal.valueOf(usd).round(PG_FLOAT_DIGITS).setScale(6, RoundingMode.HALF_UP).unscaledValue()
        .longValueExact();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Tuple hourlyColumns(String userId, String uploadId, List<Map.Entry<HourKey, long[]>> chunk) {
    int n = chunk.size();
    OffsetDateTime[] hour = new OffsetDateTime[n];
    String[] feature = new String[n];
    String[] provider = new String[n];
    String[] model = new String[n];
    String[] status = new String[n];
    Boolean[] batch = new Boolean[n];
    Long[][] sums = new Long[SUMS][n];
    for (int i = 0; i < n; i++) {
      HourKey key = chunk.get(i).getKey();
      hour[i] = utc(Instant.EPOCH.plus(key.hour(), ChronoUnit.HOURS));
      feature[i] = key.feature();
      provider[i] = key.provider();
      model[i] = key.model();
      status[i] = key.status();
      batch[i] = key.batch();
      long[] values = chunk.get(i).getValue();
      for (int s = 0; s < SUMS; s++) {
        sums[s][i] = values[s];
      }
    }
    Tuple tuple = Tuple.tuple().addString(userId).addString(uploadId).addArrayOfOffsetDateTime(hour)
        .addArrayOfString(feature).addArrayOfString(provider).addArrayOfString(model).addArrayOfString(status)
        .addArrayOfBoolean(batch);
    for (Long[] column : sums) {
      tuple.addArrayOfLong(column);
    }
    return tuple;
  }

  private static Tuple histogramColumns(String userId, String uploadId, List<Map.Entry<DayKey, Histogram>> chunk) {
    int n = chunk.size();
    LocalDate[] day = new LocalDate[n];
    String[] metric = new String[n];
    String[] feature = new String[n];
    String[] provider = new String[n];
    String[] model = new String[n];
    Long[] calls = new Long[n];
    Buffer[] buckets = new Buffer[n];
    for (int i = 0; i < n; i++) {
      DayKey key = chunk.get(i).getKey();
      day[i] = LocalDate.ofEpochDay(key.day());
      metric[i] = key.metric();
      feature[i] = key.feature();
      provider[i] = key.provider();
      model[i] = key.model();
      calls[i] = chunk.get(i).getValue().count();
      buckets[i] = Buffer.buffer(chunk.get(i).getValue().encode());
    }
    return Tuple.tuple().addString(userId).addString(uploadId).addArrayOfLocalDate(day).addArrayOfString(metric)
        .addArrayOfString(feature).addArrayOfString(provider).addArrayOfString(model).addArrayOfLong(calls)
        .addArrayOfBuffer(buckets);
  }
}
