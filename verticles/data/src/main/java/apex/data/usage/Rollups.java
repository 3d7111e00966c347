package apex.data.usage;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
  private static final String COPY_HOURLY = """
      COPY usage.usage_hourly (user_id, upload_id, hour, feature, provider, model, status, batch, requests,
        input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_usd, unpriced,
        truncated, truncated_cost_usd, hashed, without_tokens, without_latency, without_max_tokens, without_finish_reason)
      FROM STDIN""";

  private static final String COPY_HISTOGRAMS = """
      COPY usage.usage_histograms (user_id, upload_id, day, metric, feature, provider, model, calls, buckets) FROM STDIN""";

  /**
   * The user's successful calls sharing (feature, provider, model, prompt_hash) with another, among the
   * prompts this upload holds; the calls of earlier uploads that now have a partner join too. One
   * index probe per distinct prompt of the upload (the partial prompt-hash index), whatever else the
   * table holds: left to choose, the planner once spent over a minute on a 34,000-row upload in a
   * table of other users' calls.
   */
  private static final String INSERT_REPEATS = """
      WITH new_keys AS (SELECT DISTINCT feature, provider, model, prompt_hash FROM usage.usage_records
                         WHERE upload_id = ? AND status = 'ok' AND prompt_hash IS NOT NULL)
      INSERT INTO usage.prompt_repeats (record_id, user_id, upload_id, ts, feature, provider, model, prompt_hash, cost_usd)
      SELECT same.id, same.user_id, same.upload_id, same.ts, same.feature, same.provider, same.model, same.prompt_hash,
             same.cost_usd
        FROM new_keys k
        JOIN LATERAL (SELECT c.id, c.user_id, c.upload_id, c.ts, c.feature, c.provider, c.model, c.prompt_hash,
                             c.cost_usd, count(*) OVER () AS calls
                        FROM usage.usage_records c
                       WHERE c.user_id = ? AND c.prompt_hash = k.prompt_hash AND c.feature = k.feature
                         AND c.provider = k.provider AND c.model = k.model AND c.status = 'ok') same ON same.calls > 1
      ON CONFLICT (record_id) DO NOTHING""";

  /** Two uploads of one user committing at once would each miss the repeats spanning both. */
  private static final String LOCK_USER = "SELECT pg_advisory_xact_lock(hashtext('apex.usage.repeats:' || ?))";

  private static final String SUMMARY = """
      UPDATE usage.uploads SET first_ts = ?, last_ts = ?, cost_usd = ? / 1000000.0, unpriced = ?, rolled_up = true
       WHERE id = ?""";

  private static final MathContext PG_FLOAT_DIGITS = new MathContext(15);

  private static final int REQUESTS = 0, INPUT = 1, CACHED = 2, CACHE_WRITE = 3, OUTPUT = 4, REASONING = 5,
      COST = 6, UNPRICED = 7, TRUNCATED = 8, TRUNCATED_COST = 9, HASHED = 10, WITHOUT_TOKENS = 11,
      WITHOUT_LATENCY = 12, WITHOUT_MAX_TOKENS = 13, WITHOUT_FINISH_REASON = 14, SUMS = 15;
  /** The histograms of a group's day, in this order. */
  private static final List<String> METRICS = List.of("input_ok", "output_ok", "latency_ok", "max_tokens");
  private static final int INPUT_OK = 0, OUTPUT_OK = 1, LATENCY_OK = 2, MAX_TOKENS = 3;

  private record GroupKey(String feature, String provider, String model) {}

  /**
   * One group's sums per (hour, status, batch) and histograms per day, under numeric keys: an upload
   * of a million calls looks its group up once per call instead of hashing its names five times.
   */
  private static final class Group {
    final Map<Long, long[]> hours = new HashMap<>();
    final Map<Long, Histogram[]> days = new HashMap<>();
  }

  private final Map<GroupKey, Group> groups = new HashMap<>();
  /** Statuses in the order first seen; a group's hour key holds the index. */
  private final List<String> statuses = new ArrayList<>();
  private Instant firstTs;
  private Instant lastTs;

  /** Counts one call; {@code cost} is its cost as {@link #micros} gives it (null when unpriced). */
  public void add(UsageRecord r, Long cost) {
    long micros = cost == null ? 0 : cost;
    Group group = groups.computeIfAbsent(new GroupKey(r.feature(), r.provider(), r.model()), k -> new Group());
    long second = r.ts().getEpochSecond();
    long[] sums = group.hours.computeIfAbsent(hourKey(Math.floorDiv(second, 3600), status(r.status()), r.batch()),
        k -> new long[SUMS]);
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
    sums[UNPRICED] += r.costUsd() == null ? 1 : 0;
    Histogram[] day = group.days.computeIfAbsent(Math.floorDiv(second, 86_400), k -> new Histogram[METRICS.size()]);
    if (UsageRecord.OK.equals(r.status())) {
      histogram(day, INPUT_OK).add(r.inputTokens());
      histogram(day, OUTPUT_OK).add(r.outputTokens());
      if (r.latencyMs() != null) {
        histogram(day, LATENCY_OK).add(r.latencyMs());
      }
    }
    if (r.maxTokens() != null) {
      histogram(day, MAX_TOKENS).add(r.maxTokens());
    }
    firstTs = firstTs == null || r.ts().isBefore(firstTs) ? r.ts() : firstTs;
    lastTs = lastTs == null || r.ts().isAfter(lastTs) ? r.ts() : lastTs;
  }

  /**
   * Writes the rollups of {@code uploadId}, whose records are already stored, inside {@code conn}'s
   * transaction: the sums and histograms through COPY, then the repeats and the upload's summary.
   */
  public void write(Connection conn, String userId, String uploadId) throws SQLException {
    CopyManager copy = conn.unwrap(PGConnection.class).getCopyAPI();
    CopyText text = new CopyText();
    groups.forEach((key, group) -> group.hours.forEach((hourKey, sums) -> {
      text.text(userId).text(uploadId).instant(Instant.ofEpochSecond(Math.floorDiv(hourKey, 32) * 3600))
          .text(key.feature()).text(key.provider()).text(key.model()).text(statuses.get(statusOf(hourKey)))
          .bool(Math.floorMod(hourKey, 2) == 1);
      for (int s = 0; s < SUMS; s++) {
        if (s == COST || s == TRUNCATED_COST) {
          text.micros(sums[s]);
        } else {
          text.number(sums[s]);
        }
      }
      text.endRow();
    }));
    copy(copy, COPY_HOURLY, text.take());
    groups.forEach((key, group) -> group.days.forEach((day, histograms) -> {
      for (int m = 0; m < histograms.length; m++) {
        if (histograms[m] != null) {
          text.text(userId).text(uploadId).date(LocalDate.ofEpochDay(day)).text(METRICS.get(m)).text(key.feature())
              .text(key.provider()).text(key.model()).number(histograms[m].count()).bytes(histograms[m].encode())
              .endRow();
        }
      }
    }));
    copy(copy, COPY_HISTOGRAMS, text.take());
    if (hashedOk() > 0) {
      try (PreparedStatement lock = conn.prepareStatement(LOCK_USER);
           PreparedStatement repeats = conn.prepareStatement(INSERT_REPEATS)) {
        lock.setString(1, userId);
        lock.execute();
        repeats.setString(1, uploadId);
        repeats.setString(2, userId);
        repeats.executeUpdate();
      }
    }
    try (PreparedStatement summary = conn.prepareStatement(SUMMARY)) {
      summary.setObject(1, utc(firstTs));
      summary.setObject(2, utc(lastTs));
      summary.setLong(3, groups.values().stream().flatMap(g -> g.hours.values().stream()).mapToLong(h -> h[COST]).sum());
      summary.setArray(4, conn.createArrayOf("text", unpricedModels().toArray()));
      summary.setString(5, uploadId);
      summary.executeUpdate();
    }
  }

  private static void copy(CopyManager copy, String sql, byte[] rows) throws SQLException {
    try {
      copy.copyIn(sql, new ByteArrayInputStream(rows));
    } catch (IOException e) {
      throw new SQLException("COPY failed: " + e.getMessage(), e);
    }
  }

  /** A group's key for (epoch hour, status index, batch); {@link #statusOf} and the write read it back. */
  private static long hourKey(long hour, int status, boolean batch) {
    return (hour * 16 + status) * 2 + (batch ? 1 : 0);
  }

  private static int statusOf(long hourKey) {
    return (int) Math.floorMod(Math.floorDiv(hourKey, 2), 16);
  }

  /** Successful calls with a prompt hash: only then can the upload repeat a prompt. */
  private long hashedOk() {
    int ok = statuses.indexOf(UsageRecord.OK);
    return ok < 0 ? 0 : groups.values().stream().flatMap(g -> g.hours.entrySet().stream())
        .filter(h -> statusOf(h.getKey()) == ok).mapToLong(h -> h.getValue()[HASHED]).sum();
  }

  private TreeSet<String> unpricedModels() {
    TreeSet<String> models = new TreeSet<>();
    groups.forEach((key, group) -> {
      if (group.hours.values().stream().anyMatch(h -> h[UNPRICED] > 0)) {
        models.add(key.model());
      }
    });
    return models;
  }

  private static Histogram histogram(Histogram[] day, int metric) {
    if (day[metric] == null) {
      day[metric] = new Histogram();
    }
    return day[metric];
  }

  /** The index of {@code status} among the upload's statuses (the database allows four; 16 are kept apart). */
  private int status(String status) {
    int index = statuses.indexOf(status);
    if (index < 0) {
      if (statuses.size() == 16) {
        throw new IllegalArgumentException("status: more than 16 different values in one upload, e.g. " + status);
      }
      statuses.add(status);
      index = statuses.size() - 1;
    }
    return index;
  }

  /**
   * A cost in micro-dollars, as {@code numeric(14, 6)} stored a float8 cost before uploads went
   * through COPY (PostgreSQL reads a float8 to 15 digits, then rounds half up); null stays null.
   */
  static Long micros(Double usd) {
    if (usd == null) {
      return null;
    }
    double scaled = usd * 1_000_000;
    long nearest = Math.round(scaled);
    // Below $100 and not within 1e-6 of a half, rounding the double agrees with PostgreSQL's 15 digits;
    // otherwise decide as it does.
    return Math.abs(scaled) < 1e8 && Math.abs(Math.abs(scaled - nearest) - 0.5) > 1e-6 ? nearest
        : BigDecimal.valueOf(usd).round(PG_FLOAT_DIGITS).setScale(6, RoundingMode.HALF_UP).unscaledValue()
            .longValueExact();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
