package apex.node;

import apex.data.ingest.UsageFileParser;
import apex.data.usage.UsageRecord;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The ingest benchmark's baseline: PostgreSQL's own bulk load, {@code psql \copy} of the same rows,
 * already in table form, into the same table. Apex's figure is fair to compare with it because both
 * end with the same rows stored in one transaction.
 */
final class PsqlCopy {
  private static final String COLUMNS = "user_id, upload_id, ts, provider, model, feature, request_id, input_tokens,"
      + " cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, latency_ms, status, finish_reason,"
      + " max_tokens, prompt_hash, batch, cost_usd, end_user";

  private PsqlCopy() {}

  /** psql on the PATH, else in the usual Debian place; the zonky bundle ships none. */
  static Optional<Path> find() {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      candidates.add(Path.of(dir, "psql"));
    }
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      versions.map(v -> v.resolve("bin/psql")).forEach(candidates::add);
    } catch (IOException e) {
      // no Debian PostgreSQL install: only the PATH counts
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /** The rows Apex makes of {@code source}, as CSV in {@link #COLUMNS} order. */
  static void writeTableCsv(UsageFileParser parser, Path source, Path target, String userId, String uploadId)
      throws IOException {
    try (Reader in = Files.newBufferedReader(source, StandardCharsets.UTF_8);
         BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder(256);
      parser.parse(in, "text/csv", source.getFileName().toString(), r -> {
        line.setLength(0);
        text(line, userId).append(',');
        text(line, uploadId).append(',').append(r.ts()).append(',');
        text(line, r.provider()).append(',');
        text(line, r.model()).append(',');
        text(line, r.feature()).append(',');
        text(line, r.requestId()).append(',').append(r.inputTokens()).append(',').append(r.cachedInputTokens())
            .append(',').append(r.cacheWriteTokens()).append(',').append(r.outputTokens()).append(',')
            .append(r.reasoningTokens()).append(',').append(value(r.latencyMs())).append(',');
        text(line, r.status()).append(',');
        text(line, r.finishReason()).append(',').append(value(r.maxTokens())).append(',');
        text(line, r.promptHash()).append(',').append(r.batch()).append(',').append(value(r.costUsd())).append(',');
        text(line, r.endUser()).append('\n');
        try {
          out.append(line);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /** Seconds {@code psql \copy} took to load {@code tableCsv}; fails with psql's own message. */
  static double copySeconds(Path psql, String pgUrl, Path tableCsv) throws IOException, InterruptedException {
    String copy = "\\copy usage.usage_records (" + COLUMNS + ") FROM '" + tableCsv.toAbsolutePath()
        + "' WITH (FORMAT csv)";
    Process process = new ProcessBuilder(psql.toString(), pgUrl, "-q", "-v", "ON_ERROR_STOP=1", "-c", copy)
        .redirectErrorStream(true).start();
    long start = System.nanoTime();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (exit != 0) {
      throw new IOException("psql \\copy failed (exit " + exit + "): " + output.strip());
    }
    return seconds;
  }

  /** A quoted CSV text, or nothing (NULL) for null. */
  private static StringBuilder text(StringBuilder line, String value) {
    return value == null ? line : line.append('"').append(value.replace("\"", "\"\"")).append('"');
  }

  private static String value(Object value) {
    return value == null ? "" : value.toString();
  }
}
