package apex.node;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * A LiteLLM spend-log export of {@code rows} calls, the same bytes for the same row count: the ingest
 * benchmark's input. Columns and value forms are LiteLLM's (SQL timestamps, tag lists, success/failure).
 */
final class LiteLlmCsv {
  private static final String HEADER = "request_id,call_type,api_key,spend,total_tokens,prompt_tokens,"
      + "completion_tokens,startTime,endTime,model,custom_llm_provider,user,request_tags,status\n";
  private static final String[][] MODELS = {
      {"gpt-5.4", "openai"}, {"gpt-5.4-mini", "openai"}, {"claude-sonnet-4-6", "anthropic"},
      {"claude-haiku-4-5", "anthropic"}, {"gemini-2.5-flash", "vertex_ai"}};
  private static final String[] TAGS = {"support-bot", "search", "summarizer", "classifier", "drafts"};
  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
  private static final DateTimeFormatter SQL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private LiteLlmCsv() {}

  static void write(Path file, int rows) throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(HEADER);
      StringBuilder line = new StringBuilder(256);
      for (int i = 0; i < rows; i++) {
        String[] model = MODELS[random.nextInt(MODELS.length)];
        int prompt = 200 + random.nextInt(8_000);
        int completion = 20 + random.nextInt(1_500);
        LocalDateTime start = LocalDateTime.ofInstant(START.plusMillis(i * 2_500L + random.nextInt(2_000)), ZoneOffset.UTC);
        line.setLength(0);
        line.append("chatcmpl-").append(i).append(",acompletion,sk-hash-").append(i % 17).append(',')
            .append(random.nextInt(100_000) / 1e6).append(',').append(prompt + completion).append(',')
            .append(prompt).append(',').append(completion).append(',').append(SQL.format(start)).append(',')
            .append(SQL.format(start.plusNanos(300_000_000L + random.nextInt(9_000) * 1_000_000L))).append(',')
            .append(model[0]).append(',').append(model[1]).append(",user-").append(random.nextInt(500))
            .append(",\"[\"\"").append(TAGS[random.nextInt(TAGS.length)]).append("\"\", \"\"prod\"\"]\",")
            .append(random.nextInt(50) == 0 ? "failure" : "success").append('\n');
        out.append(line);
      }
    }
  }
}
