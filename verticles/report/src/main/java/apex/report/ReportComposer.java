package apex.report;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.ReportResult;
import apex.contracts.stage.ReportResult.Report;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;

import java.util.List;

/**
 * Composes the answer from the stage results: markdown for the chat and the same content as a
 * structured {@link Report}. {@link #template} is the plain rendering the report stage falls back to
 * when composing fails; both share the facts and the tables.
 */
public final class ReportComposer {

  /** {@code data} and {@code optimizer} may be null (insufficient data, or a stage that failed). */
  public ReportResult compose(String question, TriageResult triage, DataResult data, OptimizerResult optimizer,
                              List<String> degradedNotes) {
    if (data == null || hasNoRows(triage, data)) {
      return withoutData(question, triage, data, degradedNotes);
    }
    Report report = ReportFacts.of(triage, data, optimizer, degradedNotes);
    Markdown md = new Markdown().heading(1, report.title());
    NoDataAnswer.quote(md, question);
    md.heading(2, "Executive summary").paragraph(report.summary());
    ReportSections.recommendationTable(md, report.recommendations());
    ReportSections.actionPlan(md, report.recommendations());
    ReportSections.spendByModel(md, data);
    ReportSections.spendByFeature(md, data);
    ReportSections.dataQuality(md, report.dataQualityNotes());
    ReportSections.method(md, data, optimizer);
    return new ReportResult(md.toString(), report);
  }

  /** The plain rendering: summary, the two main tables and the notes, without the action plan. */
  public ReportResult template(String question, TriageResult triage, DataResult data, OptimizerResult optimizer,
                               List<String> degradedNotes) {
    if (data == null || hasNoRows(triage, data)) {
      return withoutData(question, triage, data, degradedNotes);
    }
    Report report = ReportFacts.of(triage, data, optimizer, degradedNotes);
    Markdown md = new Markdown().heading(1, report.title())
        .paragraph("_Plain report: the full report could not be composed for this run._")
        .paragraph(report.summary());
    ReportSections.recommendationTable(md, report.recommendations());
    ReportSections.spendByModel(md, data);
    ReportSections.dataQuality(md, report.dataQualityNotes());
    return new ReportResult(md.toString(), report);
  }

  private static boolean hasNoRows(TriageResult triage, DataResult data) {
    return (triage != null && TriageResult.INSUFFICIENT.equals(triage.dataSufficiency()))
        || (data != null && data.totals().requests() == 0);
  }

  /** Onboarding when the user has no rows; otherwise the data stage failed and says so. */
  private static ReportResult withoutData(String question, TriageResult triage, DataResult data,
                                          List<String> degradedNotes) {
    Window window = data != null ? data.window() : triage == null ? null : triage.window();
    return data != null || triage == null || hasNoRows(triage, null)
        ? NoDataAnswer.onboarding(question, window, degradedNotes)
        : NoDataAnswer.unavailable(question, window, degradedNotes);
  }
}
