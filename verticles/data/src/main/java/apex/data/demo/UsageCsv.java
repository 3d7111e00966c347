package apex.data.demo;

import apex.data.usage.UsageRecord;
import org.apache.commons.csv.CSVFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Usage rows as the CSV Apex's own upload reads (docs/USAGE-FORMATS.md): a header of the canonical
 * column names, then one line per call; an absent value is an empty cell.
 */
public final class UsageCsv {
  private UsageCsv() {}

  private static final List<String> COLUMNS = List.of("ts", "provider", "model", "feature", "request_id",
      "input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens", "latency_ms",
      "status", "finish_reason", "max_tokens", "prompt_hash", "batch", "cost_usd", "end_user");
  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

  public static String header() {
    return line(COLUMNS.toArray());
  }

  /** One line, ending with a newline. */
  public static String line(UsageRecord r) {
    return line(r.ts(), r.provider(), r.model(), r.feature(), r.requestId(), r.inputTokens(), r.cachedInputTokens(),
        r.cacheWriteTokens(), r.outputTokens(), r.reasoningTokens(), r.latencyMs(), r.status(), r.finishReason(),
        r.maxTokens(), r.promptHash(), r.batch(), r.costUsd() == null ? null : plain(r.costUsd()), r.endUser());
  }

  /** The whole file. */
  public static String of(List<UsageRecord> records) {
    StringBuilder csv = new StringBuilder(header());
    records.forEach(r -> csv.append(line(r)));
    return csv.toString();
  }

  /**
   * The rows as consecutive files, each with the header and at most {@code maxBytes} bytes of UTF-8,
   * for a server that refuses bigger uploads.
   *
   * @throws IllegalArgumentException when {@code maxBytes} cannot hold the header and one row
   */
  public static List<String> chunks(List<UsageRecord> records, long maxBytes) {
    String header = header();
    long headerBytes = bytes(header);
    List<String> chunks = new ArrayList<>();
    StringBuilder chunk = new StringBuilder(header);
    long size = headerBytes;
    for (UsageRecord r : records) {
      String line = line(r);
      long lineBytes = bytes(line);
      if (headerBytes + lineBytes > maxBytes) {
        throw new IllegalArgumentException("an upload of at most " + maxBytes + " bytes cannot hold the header and a row");
      }
      if (size + lineBytes > maxBytes) {
        chunks.add(chunk.toString());
        chunk = new StringBuilder(header);
        size = headerBytes;
      }
      chunk.append(line);
      size += lineBytes;
    }
    if (size > headerBytes) {
      chunks.add(chunk.toString());
    }
    return chunks;
  }

  private static long bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  /** A plain decimal: the parser need not read exponents such as 1.2E-5. */
  private static String plain(double usd) {
    return BigDecimal.valueOf(usd).toPlainString();
  }

  private static String line(Object... values) {
    try {
      StringBuilder out = new StringBuilder();
      FORMAT.printRecord(out, Arrays.stream(values).map(v -> v == null ? "" : v.toString()).toArray());
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not fail
    }
  }
}
