package apex.report;

import apex.contracts.stage.ReportResult;
import apex.contracts.stage.ReportResult.ActionStep;
import apex.contracts.stage.ReportResult.Report;
import apex.contracts.stage.Window;
import apex.runtime.pricing.SpendWindow;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Answers without usage aggregates: onboarding when there are no rows, an apology when they could not be read. */
final class NoDataAnswer {
  private NoDataAnswer() {}

  private static final String EXAMPLE_CSV = """
      ts,provider,model,feature,input_tokens,cached_input_tokens,output_tokens,cost_usd
      2026-11-20T14:03:11Z,openai,gpt-4o,ticket-triage,1200,0,80,0.0038
      2026-11-20T14:03:15Z,anthropic,claude-sonnet-4-5,summarize,5400,4000,620,0.0153
      """;

  /** The user has no usage rows in the window: how to upload some. */
  static ReportResult onboarding(String question, Window window, List<String> degradedNotes) {
    String where = window == null ? "the requested window" : "the " + new SpendWindow(window).describe();
    String summary = "There are no usage rows for you in " + where + ", so there is no spend to analyse yet. "
        + "Upload your LLM usage and ask again.";
    Markdown md = new Markdown().heading(1, "No usage data yet");
    quote(md, question);
    md.paragraph(summary)
        .heading(2, "Upload your usage")
        .paragraph("Send a file to `POST /api/usage` as CSV with a header row, a JSON array of objects, or NDJSON "
            + "(one JSON object per line). An upload is stored whole or not at all; a bad row is reported with its "
            + "row and column.")
        .table(List.of("Column", "What it holds"), List.of(false, false), List.of(
            List.of("ts", "when the call was made (ISO 8601, UTC)"),
            List.of("provider", "openai, anthropic, google, mistral, …"),
            List.of("model", "the model id the provider reports, e.g. gpt-4o-2024-08-06"),
            List.of("feature", "the product feature that made the call, e.g. ticket-triage"),
            List.of("input_tokens", "prompt tokens, including cached ones"),
            List.of("cached_input_tokens", "prompt tokens read from the provider's cache, if known"),
            List.of("output_tokens", "completion tokens"),
            List.of("cost_usd", "what the call cost, in US dollars")))
        .code("csv", EXAMPLE_CSV)
        .paragraph("Most providers' usage exports (OpenAI, Anthropic, Google) carry these columns under similar "
            + "names. With a few days of data you get spend by model and feature, and priced savings such as "
            + "moving short-answer features to a smaller model or caching repeated prompt prefixes.");
    List<String> notes = notes("No usage rows in the window.", degradedNotes);
    ReportSections.dataQuality(md, notes);
    return new ReportResult(md.toString(), empty("No usage data yet", summary, window, List.of(
            new ActionStep(ActionPlan.THIS_WEEK, null, "Upload your LLM usage to POST /api/usage (CSV with a header row, "
                + "a JSON array or NDJSON)."),
            new ActionStep(ActionPlan.THIS_WEEK, null, "Ask your question again once the upload is stored.")),
        notes, "No spend was computed: there are no usage rows for you in " + where + "."));
  }

  /** The data stage failed and no cached aggregates were available. */
  static ReportResult unavailable(String question, Window window, List<String> degradedNotes) {
    String summary = "Your usage could not be read for this run, so no figures are shown. Nothing was lost: ask "
        + "again in a moment.";
    Markdown md = new Markdown().heading(1, "Spend analysis unavailable");
    quote(md, question);
    md.paragraph(summary);
    List<String> notes = notes("The usage aggregates were not available for this run.", degradedNotes);
    ReportSections.dataQuality(md, notes);
    return new ReportResult(md.toString(), empty("Spend analysis unavailable", summary, window, List.of(), notes,
        "No figures were computed: the usage aggregates were not available for this run."));
  }

  static void quote(Markdown md, String question) {
    if (question != null && !question.isBlank()) {
      md.paragraph("> " + question.strip().replaceAll("\\s*\\R\\s*", " "));
    }
  }

  private static List<String> notes(String first, List<String> degradedNotes) {
    return Stream.concat(Stream.of(first),
        Optional.ofNullable(degradedNotes).orElse(List.of()).stream()).toList();
  }

  /** No figures: zero spend and savings, no charts, no forecast; the plan and the method say what to do and why. */
  private static Report empty(String title, String summary, Window window, List<ActionStep> plan, List<String> notes,
                              String method) {
    return new Report(title, summary, window, 0, 0, 0, 0, List.of(), List.of(), List.of(), List.of(), null, plan,
        notes, List.of(method));
  }
}
