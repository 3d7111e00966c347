package apex.node.bench;

import apex.data.usage.AnalysisSql;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The baseline: the same queries a run makes ({@link AnalysisSql#RUN}), run directly in {@code psql}
 * against the same database, user and window. One psql session per round prepares every query, then
 * executes each once with the window bound as a run binds it; {@code \timing} gives each execution's
 * server round trip, and the round's total is their sum (no JVM, bus, cache or event in it).
 */
final class RunBenchPsql {
  private static final Pattern TIME = Pattern.compile("^Time: ([0-9.]+) ms", Pattern.MULTILINE);
  private static final long ROUND_TIMEOUT_SECONDS = 600;

  private final Path psql;
  private final URI database;

  /** One round: milliseconds per tool, in {@link AnalysisSql#RUN} order. */
  record Round(Map<String, Double> msByTool) {
    double totalMs() {
      return msByTool.values().stream().mapToDouble(Double::doubleValue).sum();
    }
  }

  /** {@code database} is a {@code postgresql://user:password@host:port/db} URL. */
  RunBenchPsql(Path psql, URI database) {
    this.psql = psql;
    this.database = database;
  }

  /** {@code explicit} when given, else the first {@code psql} on the PATH; null when there is none. */
  static Path find(Path explicit) {
    if (explicit != null) {
      return Files.isExecutable(explicit) ? explicit : null;
    }
    String path = System.getenv("PATH");
    for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "psql");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** One round over {@code userId}'s rows in the window {@code from}..{@code to} (whole UTC days). */
  Round round(String userId, LocalDate from, LocalDate to) throws IOException, InterruptedException {
    String output = run(script(userId, from, to));
    Matcher m = TIME.matcher(output);
    List<Double> times = new ArrayList<>();
    while (m.find()) {
      times.add(Double.parseDouble(m.group(1)));
    }
    if (times.size() != AnalysisSql.RUN.size()) {
      throw new IOException("psql printed " + times.size() + " timings for " + AnalysisSql.RUN.size()
          + " queries:\n" + output);
    }
    Map<String, Double> byTool = new LinkedHashMap<>();
    for (int i = 0; i < times.size(); i++) {
      byTool.merge(AnalysisSql.RUN.get(i).tool(), times.get(i), Double::sum);
    }
    return new Round(byTool);
  }

  /**
   * PREPARE every query (types inferred from the SQL, as the reactive client's statements are), then
   * EXECUTE each with the run's parameters; only the executions are timed. Results go to /dev/null:
   * \timing still prints to stdout.
   */
  static String script(String userId, LocalDate from, LocalDate to) {
    YearMonth month = YearMonth.from(to);
    String window = literal(userId) + ", " + instant(from) + ", " + instant(to.plusDays(1));
    // spend_forecast's extra parameters; no anomaly days to leave out of the run rate (the cost of
    // the query does not depend on which days it skips).
    String forecastExtra = ", " + instant(month.atDay(1)) + ", '{}', " + (month.lengthOfMonth() - to.getDayOfMonth());
    StringBuilder sql = new StringBuilder("\\set ON_ERROR_STOP on\n\\pset pager off\n\\o /dev/null\n");
    for (int i = 0; i < AnalysisSql.RUN.size(); i++) {
      sql.append("PREPARE q").append(i).append(" AS ").append(AnalysisSql.RUN.get(i).sql()).append(";\n");
    }
    sql.append("\\timing on\n");
    for (int i = 0; i < AnalysisSql.RUN.size(); i++) {
      boolean forecast = "spend_forecast".equals(AnalysisSql.RUN.get(i).tool());
      sql.append("EXECUTE q").append(i).append('(').append(window).append(forecast ? forecastExtra : "").append(");\n");
    }
    return sql.toString();
  }

  private String run(String script) throws IOException, InterruptedException {
    String[] userInfo = database.getUserInfo().split(":", 2);
    ProcessBuilder builder = new ProcessBuilder(psql.toString(), "-X", "-q", "-h", database.getHost(),
        "-p", String.valueOf(database.getPort()), "-U", userInfo[0], "-d", database.getPath().substring(1))
        .redirectErrorStream(true);
    if (userInfo.length > 1) {
      builder.environment().put("PGPASSWORD", userInfo[1]);
    }
    Process process = builder.start();
    try {
      process.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("psql failed:\n" + output);
      }
      return output;
    } finally {
      process.destroyForcibly();
    }
  }

  private static String instant(LocalDate day) {
    return "'" + day + "T00:00:00Z'";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
