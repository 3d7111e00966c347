package apex.data.ingest;

import apex.contracts.usage.RowProblem;
import apex.data.demo.ListPrices;
import apex.data.usage.UsageRecord;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsageFileParserTest {

  private static final double EPSILON = 1e-12;

  private final UsageFileParser parser = new UsageFileParser(ListPrices.COST);

  @Test
  void readsOurCanonicalCsvAsIs() {
    String csv = """
        ts,provider,model,feature,request_id,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,reasoning_tokens,latency_ms,status,finish_reason,max_tokens,prompt_hash,batch,cost_usd,end_user
        2025-03-01T10:00:00Z,anthropic,claude-sonnet-4-6,search,req-1,1000,600,100,300,0,850,ok,end_turn,1024,ab12,false,0.01,u-7
        2025-03-01T11:00:00Z,openai,gpt-5.4,chat,req-2,500,0,0,200,50,1200,timeout,,,,true,,
        """;
    Parsed upload = parse(csv, "text/csv", "usage.csv");

    assertClean(upload, "csv", 2);
    assertEquals(new UsageRecord(Instant.parse("2025-03-01T10:00:00Z"), "anthropic", "claude-sonnet-4-6", "search",
        "req-1", 1000, 600, 100, 300, 0, 850, "ok", "end_turn", 1024, "ab12", false, 0.01, "u-7"),
        upload.records().get(0));
    UsageRecord second = upload.records().get(1);
    assertEquals("timeout", second.status());
    assertTrue(second.batch());
    assertNull(second.maxTokens());
    assertEquals((500 * 2.5 + 200 * 15) / 1e6, second.costUsd(), EPSILON);
    assertEquals(18, upload.columns().size());
    assertEquals("input_tokens", upload.columns().get("input_tokens"));
  }

  @Test
  void readsALiteLlmSpendLogCsv() {
    String csv = """
        request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,model,custom_llm_provider,user,request_tags,status
        chatcmpl-1,acompletion,sk-hash,0.0042,1300,1000,300,2025-03-02 09:30:00.123456,2025-03-02 09:30:02.000000,gpt-5.4,openai,alice,"[""support-bot"", ""prod""]",success
        chatcmpl-2,acompletion,sk-hash,0.0,20,10,10,2025-03-02 09:31:00,2025-03-02 09:31:01,claude-haiku-4-5,anthropic,bob,[],failure
        """;
    Parsed upload = parse(csv, null, "litellm-spend.csv");

    assertClean(upload, "csv", 2);
    UsageRecord first = upload.records().get(0);
    assertEquals(Instant.parse("2025-03-02T09:30:00.123456Z"), first.ts());
    assertEquals("openai", first.provider());
    assertEquals("support-bot", first.feature());
    assertEquals("chatcmpl-1", first.requestId());
    assertEquals(1000, first.inputTokens());
    assertEquals(300, first.outputTokens());
    assertEquals(0.0042, first.costUsd());
    assertEquals("alice", first.endUser());
    UsageRecord second = upload.records().get(1);
    assertEquals("error", second.status());
    assertEquals(UsageRecord.UNTAGGED, second.feature());
    assertEquals(0.0, second.costUsd(), "a cost in the file is kept, even zero");
    assertEquals(Map.of("request_id", "request_id", "spend", "cost_usd", "prompt_tokens", "input_tokens",
        "completion_tokens", "output_tokens", "startTime", "ts", "model", "model", "custom_llm_provider", "provider",
        "user", "end_user", "request_tags", "feature", "status", "status"), upload.columns());
  }

  @Test
  void readsAHeliconeJsonArray() {
    String json = """
        [
          {"request_id": "h-1", "request_created_at": "2025-03-03T08:00:00.000Z", "request_user_id": "carol",
           "model": "gpt-5.4-mini", "provider": "OPENAI", "prompt_tokens": 2000, "completion_tokens": 100,
           "latency": 1500, "response_status": 200, "cost_usd": 0.00195, "properties": {"app": "x"}},
          {"request_id": "h-2", "request_created_at": "2025-03-03T08:01:00.000Z", "model": "gpt-5.4-mini",
           "provider": "OPENAI", "prompt_tokens": 2000, "completion_tokens": 0, "latency": 20, "response_status": 429}
        ]""";
    Parsed upload = parse(json, "application/json", "helicone.json");

    assertClean(upload, "json", 2);
    UsageRecord first = upload.records().get(0);
    assertEquals("h-1", first.requestId());
    assertEquals("openai", first.provider());
    assertEquals(1500, first.latencyMs(), "whole latencies are milliseconds");
    assertEquals("ok", first.status());
    assertEquals("carol", first.endUser());
    UsageRecord second = upload.records().get(1);
    assertEquals("rate_limited", second.status());
    assertEquals((2000 * 0.75) / 1e6, second.costUsd(), EPSILON);
    assertEquals("latency_ms", upload.columns().get("latency"));
    assertEquals("ts", upload.columns().get("request_created_at"));
  }

  @Test
  void readsALangfuseNdjsonWithNestedUsageAndLatencyInSeconds() {
    String ndjson = """
        {"id": "obs-1", "traceId": "t-1", "traceName": "summarise", "type": "GENERATION", "startTime": "2025-03-04T12:00:00.250Z", "model": "claude-sonnet-4-6", "usage": {"input": 1200, "output": 300, "total": 1500, "unit": "TOKENS"}, "level": "DEFAULT", "latency": 2.5, "calculatedTotalCost": 0.0081, "tags": ["beta", "eu"]}

        {"id": "obs-2", "traceId": "t-2", "traceName": "summarise", "type": "GENERATION", "startTime": "2025-03-04T12:05:00.000Z", "model": "claude-sonnet-4-6", "usage": {"input": 800, "output": 0, "total": 800, "unit": "TOKENS"}, "level": "ERROR", "latency": 31, "calculatedTotalCost": null}
        """;
    Parsed upload = parse(ndjson, null, "langfuse-export.jsonl");

    assertClean(upload, "ndjson", 2);
    UsageRecord first = upload.records().get(0);
    assertEquals("obs-1", first.requestId());
    assertEquals("anthropic", first.provider());
    assertEquals("beta", first.feature(), "the first tag wins over traceName");
    assertEquals(1200, first.inputTokens());
    assertEquals(300, first.outputTokens());
    assertEquals(2500, first.latencyMs());
    assertEquals(0.0081, first.costUsd());
    UsageRecord second = upload.records().get(1);
    assertEquals("summarise", second.feature(), "no tags: traceName");
    assertEquals("error", second.status());
    assertEquals(31_000, second.latencyMs());
    assertEquals(800 * 3 / 1e6, second.costUsd(), EPSILON, "a null cost is computed");
    assertEquals("input_tokens", upload.columns().get("usage.input"));
    assertEquals("feature", upload.columns().get("tags"));
    assertEquals("feature", upload.columns().get("traceName"));
  }

  @Test
  void readsAnOpenAiUsageExportWithEpochSecondsAndCachedTokensInsidePrompt() {
    String csv = """
        start_time,snapshot_id,n_requests,n_context_tokens_total,n_cached_context_tokens_total,n_generated_tokens_total
        1740787200,gpt-5.4,1,1000,400,200
        1740787260000,gpt-5.4,1,10,0,5
        """;
    Parsed upload = parse(csv, null, null);

    assertClean(upload, "csv", 2);
    UsageRecord first = upload.records().get(0);
    assertEquals(Instant.parse("2025-03-01T00:00:00Z"), first.ts());
    assertEquals("openai", first.provider());
    assertEquals(1000, first.inputTokens());
    assertEquals(400, first.cachedInputTokens());
    assertEquals(200, first.outputTokens());
    assertEquals((600 * 2.5 + 400 * 0.25 + 200 * 15) / 1e6, first.costUsd(), EPSILON);
    assertEquals(Instant.parse("2025-03-01T00:01:00Z"), upload.records().get(1).ts(), "epoch milliseconds");
  }

  @Test
  void addsAnthropicCacheReadsAndWritesToInput() {
    String csv = """
        timestamp,model,input_tokens,cache_read_input_tokens,cache_creation_input_tokens,output_tokens
        2025-03-05T10:00:00Z,claude-sonnet-4-6,100,900,0,50
        2025-03-05T10:01:00Z,claude-sonnet-4-6,100,0,400,50
        """;
    Parsed upload = parse(csv, "text/csv", null);

    assertClean(upload, "csv", 2);
    UsageRecord reads = upload.records().get(0);
    assertEquals(1000, reads.inputTokens());
    assertEquals(900, reads.cachedInputTokens());
    assertEquals((100 * 3 + 900 * 0.3 + 50 * 15) / 1e6, reads.costUsd(), EPSILON);
    UsageRecord writes = upload.records().get(1);
    assertEquals(500, writes.inputTokens());
    assertEquals(400, writes.cacheWriteTokens());
  }

  @Test
  void addsCacheToInputForAnthropicRowsButNotForOpenAiRowsOrOurOwnColumns() {
    String nested = """
        {"created_at": "2025-03-05T10:00:00Z", "model": "claude-haiku-4-5", "usage": {"input_tokens": 100, "cache_read_input_tokens": 900, "output_tokens": 5}}
        """;
    UsageRecord anthropicApi = parse(nested, null, null).records().get(0);
    assertEquals(1000, anthropicApi.inputTokens());
    assertEquals(900, anthropicApi.cachedInputTokens());

    String generic = """
        time,provider,model,prompt_tokens,cached_tokens,completion_tokens
        2025-03-05T10:00:00Z,anthropic,claude-haiku-4-5,100,900,5
        2025-03-05T10:00:00Z,openai,gpt-5.4,1000,900,5
        """;
    List<UsageRecord> records = parse(generic, null, null).records();
    assertEquals(1000, records.get(0).inputTokens(), "anthropic rows exclude cache reads from input");
    assertEquals(1000, records.get(1).inputTokens(), "openai rows include them");

    String ours = """
        ts,provider,model,input_tokens,cached_input_tokens,output_tokens
        2025-03-05T10:00:00Z,anthropic,claude-haiku-4-5,1000,900,5
        """;
    assertEquals(1000, parse(ours, null, null).records().get(0).inputTokens());
  }

  @Test
  void addsReasoningToOutputOnlyWhenOutputCannotIncludeIt() {
    String csv = """
        ts,model,input_tokens,output_tokens,reasoning_tokens
        2025-03-05T10:00:00Z,gpt-5.4,10,100,60
        2025-03-05T10:00:00Z,gemini-2.5-pro,10,40,60
        """;
    List<UsageRecord> records = parse(csv, null, null).records();
    assertEquals(100, records.get(0).outputTokens());
    assertEquals(100, records.get(1).outputTokens());
    assertEquals(60, records.get(1).reasoningTokens());
  }

  @Test
  void reportsEachBadValueWithItsRowAndSourceColumn() {
    String future = Instant.now().plus(3, ChronoUnit.DAYS).toString();
    String csv = """
        Time,Model Name,Prompt Tokens,Completion Tokens,Status,Cost
        yesterday,gpt-5.4,10,5,ok,
        2025-03-06T10:00:00Z,gpt-5.4,-3,5,ok,
        2025-03-06T10:00:00Z,gpt-5.4,10,5,exploded,
        2025-03-06T10:00:00Z,my-finetune,10,5,ok,
        2025-03-06T10:00:00Z,gpt-5.4,10,5,ok,-0.5
        %s,,2.5,5,ok,
        2025-03-06T10:00:00Z,gpt-5.4,10,5,ok,0.001
        """.formatted(future);
    Parsed upload = parse(csv, null, "messy.csv");

    assertEquals(List.of(
        new RowProblem(1, "Time", "not a timestamp: 'yesterday'"),
        new RowProblem(2, "Prompt Tokens", "not a whole non-negative number: '-3'"),
        new RowProblem(3, "Status", "unknown status 'exploded' (expected ok, error, timeout, rate_limited or an HTTP status code)"),
        new RowProblem(4, "provider", "unknown provider: none given and model 'my-finetune' does not name one"),
        new RowProblem(5, "Cost", "not a non-negative number of USD: '-0.5'"),
        new RowProblem(6, "Time", "more than a day in the future: '" + future + "'"),
        new RowProblem(6, "Model Name", "missing model"),
        new RowProblem(6, "Prompt Tokens", "not a whole non-negative number: '2.5'")), upload.problems());
    assertEquals(8, upload.problemCount());
    assertEquals(List.of(), upload.records(), "a rejected upload stores nothing: no row reaches the sink");
    assertEquals(0, upload.result().rows());
  }

  @Test
  void reportsCachedTokensAboveInputAfterNormalising() {
    String csv = """
        ts,model,prompt_tokens,cached_tokens,completion_tokens
        2025-03-06T10:00:00Z,gpt-5.4,100,900,5
        """;
    assertEquals(List.of(new RowProblem(1, "cached_tokens",
            "cache reads (900) and cache writes (0) exceed input tokens (100)")),
        parse(csv, null, null).problems());
  }

  @Test
  void listsTheFirstHundredProblemsAndCountsAll() {
    StringBuilder csv = new StringBuilder("ts,model,input_tokens,output_tokens\n");
    for (int i = 0; i < 250; i++) {
      csv.append("2025-03-06T10:00:00Z,gpt-5.4,").append(i % 2 == 0 ? "x" : "10").append(",5\n");
    }
    Parsed upload = parse(csv.toString(), null, null);

    assertEquals(125, upload.problemCount());
    assertEquals(100, upload.problems().size());
    assertEquals(new RowProblem(199, "input_tokens", "not a whole non-negative number: 'x'"), upload.problems().get(99));
    assertEquals(List.of(), upload.records());
  }

  @Test
  void handsRecordsOnUntilTheFirstProblem() {
    String csv = """
        ts,model
        2025-03-06T10:00:00Z,gpt-5.4
        2025-03-06T11:00:00Z,gpt-5.4
        soon,gpt-5.4
        2025-03-06T12:00:00Z,gpt-5.4
        """;
    Parsed upload = parse(csv, null, null);
    assertEquals(2, upload.records().size(), "rows before the problem went to the sink as they were read");
    assertEquals(2, upload.result().rows());
    assertEquals(1, upload.problemCount());
  }

  @Test
  void recordsTheCanonicalFieldsPresentInTheHeaderOrInAnyJsonRow() {
    String csv = "Time,Model Name,Prompt Tokens,spend,unrelated\n2025-03-06T10:00:00Z,gpt-5.4,10,0.1,x\n";
    assertEquals(List.of("ts", "model", "input_tokens", "cost_usd"), parse(csv, null, null).result().fields());
    String ndjson = """
        {"ts": "2025-03-06T10:00:00Z", "model": "gpt-5.4"}
        {"ts": "2025-03-06T10:00:01Z", "model": "gpt-5.4", "usage": {"output": 5}, "latency_ms": null}
        """;
    assertEquals(List.of("ts", "model", "output_tokens", "latency_ms"), parse(ndjson, null, null).result().fields());
  }

  @Test
  void holdsBareLatencyRowsOnlyUntilTheUnitIsSettled() {
    List<UsageRecord> sink = new ArrayList<>();
    String csv = "ts,model,latency\n2025-03-06,gpt-5.4,0.5\n2025-03-06,gpt-5.4,1.25\n";
    ParsedUpload seconds = parser.parse(new StringReader(csv), null, null, sink::add);
    assertEquals(2, seconds.rows());
    assertEquals(List.of(500, 1250), sink.stream().map(UsageRecord::latencyMs).toList());
  }

  @Test
  void readsQuotedCsvFieldsWithCommasQuotesAndNewlines() {
    String csv = "ts,model,feature,finish_reason,input_tokens,output_tokens\r\n"
        + "2025-03-06T10:00:00Z,gpt-5.4,\"summarise, then translate\",\"stop\nafter \"\"two\"\" lines\",10,5\r\n"
        + "2025-03-06T10:00:00Z,gpt-5.4,chat,stop,1,x\r\n";
    Parsed upload = parse(csv, null, null);

    assertEquals("summarise, then translate", upload.records().get(0).feature());
    assertEquals("stop\nafter \"two\" lines", upload.records().get(0).finishReason());
    assertEquals(List.of(new RowProblem(2, "output_tokens", "not a whole non-negative number: 'x'")), upload.problems());
  }

  @Test
  void stripsAByteOrderMark() {
    Parsed csv = parse("\uFEFFts,model\n2025-03-06,gpt-5.4\n", null, null);
    assertClean(csv, "csv", 1);
    assertEquals(Instant.parse("2025-03-06T00:00:00Z"), csv.records().get(0).ts());

    Parsed json = parse("\uFEFF[{\"ts\": \"2025-03-06\", \"model\": \"gpt-5.4\"}]", null, null);
    assertClean(json, "json", 1);
  }

  @Test
  void computesMissingCostAndLeavesUnknownModelsUnpriced() {
    String csv = """
        ts,provider,model,input_tokens,output_tokens,cost_usd
        2025-03-06T10:00:00Z,openai,gpt-5.4,1000000,0,
        2025-03-06T10:00:00Z,acme,acme-large,1000,10,
        2025-03-06T10:00:00Z,acme,acme-small,1000,10,0.5
        2025-03-06T10:00:00Z,acme,acme-large,1000,10,
        """;
    Parsed upload = parse(csv, null, null);

    assertClean(upload, "csv", 4);
    assertEquals(2.5, upload.records().get(0).costUsd(), EPSILON);
    assertNull(upload.records().get(1).costUsd(), "unknown price is null, never 0");
    assertEquals(0.5, upload.records().get(2).costUsd());
    assertEquals(List.of("acme-large"), upload.unpricedModels());
  }

  @Test
  void detectsTheFormatFromContentTypeThenFilenameThenContent() {
    String csv = "ts,model\n2025-03-06,gpt-5.4\n";
    String array = "[{\"ts\": \"2025-03-06\", \"model\": \"gpt-5.4\"}]";
    String lines = "{\"ts\": \"2025-03-06\", \"model\": \"gpt-5.4\"}\n{\"ts\": \"2025-03-07\", \"model\": \"gpt-5.4\"}\n";

    assertEquals("csv", parse(csv, "text/csv; charset=utf-8", "data.json").format());
    assertEquals("ndjson", parse(lines, "application/x-ndjson", null).format());
    assertEquals("ndjson", parse(lines, "application/jsonl", "x.csv").format());
    assertEquals("json", parse(array, "application/json", null).format());
    assertEquals("csv", parse(csv, "application/octet-stream", "export.CSV").format());
    assertEquals("ndjson", parse(lines, null, "export.jsonl").format());
    assertEquals("ndjson", parse(lines, null, "export.ndjson").format());
    assertEquals("json", parse(array, null, "export.json").format());
    assertEquals("ndjson", parse(lines, null, "export.json").format(), "JSON Lines named .json");
    assertEquals("json", parse(array, null, null).format());
    assertEquals("ndjson", parse(lines, null, null).format());
    assertEquals("csv", parse(csv, null, null).format());
    assertEquals(2, parse(lines, null, null).records().size());
  }

  @Test
  void reportsFilesWithoutUsableRows() {
    assertEquals(List.of(new RowProblem(0, null, "the file is empty")), parse("  \n", null, null).problems());
    assertEquals(List.of(new RowProblem(0, null, "no data rows, only a header")),
        parse("ts,model,input_tokens\n", null, null).problems());
    assertEquals(List.of(new RowProblem(0, null, "no data rows")), parse("[]", null, null).problems());
    assertEquals(List.of(new RowProblem(0, null,
            "no model column; expected one named like " + Field.MODEL.aliases)),
        parse("ts,tokens\n2025-03-06,5\n", null, null).problems());
    assertEquals(List.of(new RowProblem(1, null, "not a JSON object but number"),
            new RowProblem(2, null, "not a JSON object but string")),
        parse("[1, \"two\"]", null, null).problems());
  }

  @Test
  void reportsMalformedCsvAndJsonAsFileProblems() {
    Parsed csv = parse("ts,model\n2025-03-06,\"gpt-5.4\n", null, null);
    assertEquals(1, csv.problemCount());
    assertEquals(0, csv.problems().get(0).row());
    assertTrue(csv.problems().get(0).reason().startsWith("not valid CSV: "), csv.problems().get(0).reason());

    Parsed json = parse("[{\"ts\": \"2025-03-06\", \"model\": \"gpt-5.4\"}, {\"ts\": ", null, null);
    assertEquals(1, json.records().size());
    assertEquals(2, json.problems().get(0).row());
    assertTrue(json.problems().get(0).reason().startsWith("invalid JSON at line 1: "), json.problems().get(0).reason());
  }

  @Test
  void reportsBrokenJsonLinesByLineNumberAndKeepsTheRest() {
    String ndjson = """
        {"ts": "2025-03-06", "model": "gpt-5.4"}

        {"ts": "2025-03-06", "model": 
        {"ts": "2025-03-06", "model": "gpt-5.4", "status": "maybe"}
        """;
    Parsed upload = parse(ndjson, null, null);

    assertEquals(2, upload.problemCount());
    assertEquals(3, upload.problems().get(0).row());
    assertTrue(upload.problems().get(0).reason().startsWith("invalid JSON: "), upload.problems().get(0).reason());
    assertEquals(new RowProblem(4, "status",
        "unknown status 'maybe' (expected ok, error, timeout, rate_limited or an HTTP status code)"),
        upload.problems().get(1));
    assertEquals(1, upload.records().size());
  }

  @Test
  void reportsARowWithTheWrongNumberOfFields() {
    Parsed upload = parse("ts,model,input_tokens\n2025-03-06,gpt-5.4\n", null, null);
    assertEquals(List.of(new RowProblem(1, null, "has 2 fields, the header has 3")), upload.problems());
  }

  @Test
  void keepsMillisecondLatenciesWhenAnyValueIsTenMinutesOrMore() {
    String csv = """
        ts,model,latency
        2025-03-06,gpt-5.4,0.5
        2025-03-06,gpt-5.4,750.25
        """;
    List<UsageRecord> records = parse(csv, null, null).records();
    assertEquals(1, records.get(0).latencyMs());
    assertEquals(750, records.get(1).latencyMs());
  }

  /** A parse result with the records its sink received. */
  private record Parsed(ParsedUpload result, List<UsageRecord> records) {
    String format() {
      return result.format();
    }

    List<RowProblem> problems() {
      return result.problems();
    }

    int problemCount() {
      return result.problemCount();
    }

    List<String> unpricedModels() {
      return result.unpricedModels();
    }

    Map<String, String> columns() {
      return result.columns();
    }
  }

  private Parsed parse(String content, String contentType, String filename) {
    List<UsageRecord> records = new ArrayList<>();
    return new Parsed(parser.parse(new StringReader(content), contentType, filename, records::add), records);
  }

  private static void assertClean(Parsed upload, String format, int records) {
    assertEquals(List.of(), upload.problems());
    assertEquals(0, upload.problemCount());
    assertEquals(format, upload.format());
    assertEquals(records, upload.records().size());
  }
}
