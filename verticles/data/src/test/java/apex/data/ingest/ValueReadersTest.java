package apex.data.ingest;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ValueReadersTest {

  @Test
  void readsEpochSecondsMillisIsoSqlAndPlainDatesAsUtc() {
    Instant expected = Instant.parse("2025-03-01T10:15:30Z");
    assertEquals(expected, Timestamps.parse("1740824130"));
    assertEquals(expected, Timestamps.parse("1740824130000"));
    assertEquals(expected.plusMillis(500), Timestamps.parse("1740824130.5"));
    assertEquals(expected.plusMillis(500), Timestamps.parse("1.7408241305E9"));
    assertEquals(expected, Timestamps.parse("2025-03-01T10:15:30Z"));
    assertEquals(expected, Timestamps.parse("2025-03-01T12:15:30+02:00"));
    assertEquals(expected, Timestamps.parse("2025-03-01T12:15:30+0200"));
    assertEquals(expected, Timestamps.parse("2025-03-01T10:15:30"));
    assertEquals(expected, Timestamps.parse("2025-03-01 10:15:30"));
    assertEquals(expected.plusNanos(123_456_000), Timestamps.parse("2025-03-01 10:15:30.123456"));
    assertEquals(expected.plusNanos(123_000_000), Timestamps.parse("2025-03-01 10:15:30.123+00:00"));
    assertEquals(Instant.parse("2025-03-01T00:00:00Z"), Timestamps.parse("2025-03-01"));
  }

  @Test
  void rejectsTextThatIsNoTimestamp() {
    for (String text : List.of("yesterday", "2025-13-01", "2025-02-30T10:00:00", "01/03/2025", "-5", "NaN")) {
      assertNull(Timestamps.parse(text), text);
    }
  }

  @Test
  void mapsStatusWordsHttpCodesLevelsAndSuccessFlags() {
    assertEquals("ok", Statuses.parse("Succeeded", "status"));
    assertEquals("ok", Statuses.parse("200", "status"));
    assertEquals("ok", Statuses.parse("201", "statuscode"));
    assertEquals("rate_limited", Statuses.parse("429", "responsestatus"));
    assertEquals("rate_limited", Statuses.parse("rate_limited", "status"));
    assertEquals("rate_limited", Statuses.parse("RateLimited", "status"));
    assertEquals("timeout", Statuses.parse("timed_out", "status"));
    assertEquals("timeout", Statuses.parse("504", "status"));
    assertEquals("timeout", Statuses.parse("408", "status"));
    assertEquals("error", Statuses.parse("500", "statuscode"));
    assertEquals("error", Statuses.parse("failure", "status"));
    assertEquals("error", Statuses.parse("ERROR", "level"));
    assertEquals("ok", Statuses.parse("DEFAULT", "level"));
    assertEquals("ok", Statuses.parse("true", "success"));
    assertEquals("error", Statuses.parse("false", "success"));
    assertNull(Statuses.parse("302", "status"));
    assertNull(Statuses.parse("pending", "status"));
    assertNull(Statuses.parse("maybe", "success"));
  }

  @Test
  void infersProviderFromModelNamesIncludingGatewayPrefixes() {
    Map<String, String> providerOfModel = Map.ofEntries(
        Map.entry("gpt-5.4-mini", "openai"), Map.entry("o3-mini", "openai"),
        Map.entry("text-embedding-3-small", "openai"), Map.entry("openrouter/anthropic/claude-sonnet-4-6", "anthropic"),
        Map.entry("gemini-2.5-flash", "google"), Map.entry("gemma-3-27b", "google"),
        Map.entry("codestral-latest", "mistral"), Map.entry("mixtral-8x7b", "mistral"),
        Map.entry("deepseek-chat", "deepseek"), Map.entry("grok-4", "x-ai"), Map.entry("command-r-plus", "cohere"),
        Map.entry("meta-llama/Llama-3.3-70B", "meta"));
    providerOfModel.forEach((model, provider) -> assertEquals(provider, Providers.infer(model), model));
    assertNull(Providers.infer("my-finetune"));
    assertEquals("google", Providers.normalise("vertex_ai"));
    assertEquals("openai", Providers.normalise("OpenAI"));
  }

  @Test
  void readsWholeNonNegativeNumbersOnly() {
    assertEquals(0, WholeNumbers.parse("0"));
    assertEquals(1234, WholeNumbers.parse("1234"));
    assertEquals(12, WholeNumbers.parse("12.0"));
    assertEquals(1200, WholeNumbers.parse("1.2E3"));
    assertEquals(123456789012345678L, WholeNumbers.parse("123456789012345678"));
    for (String text : List.of("-1", "1.5", "12d", "NaN", "Infinity", "ten", "")) {
      assertEquals(WholeNumbers.INVALID, WholeNumbers.parse(text), text);
    }
  }

  @Test
  void normalisesColumnNamesToLowerCaseLettersAndDigits() {
    assertEquals("prompttokens", Field.normalise("prompt_tokens"));
    assertEquals("prompttokens", Field.normalise("promptTokens"));
    assertEquals("prompttokens", Field.normalise("Prompt Tokens"));
    assertEquals(Field.INPUT_TOKENS, Field.forAlias(Field.normalise("usage.input")));
  }
}
