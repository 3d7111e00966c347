package apex.report;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.ReportResult;
import apex.contracts.stage.ReportResult.Report;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Composes the answer from the stage results: markdown for the chat and the same content as a
 * structured {@link Report}. {@link #template} is the plain rendering the report stage falls back to
 * when composing fails ({@link #answer}); both share the facts and the tables.
 */
public final class ReportComposer {
  private static final Logger LOG = LoggerFactory.getLogger(ReportComposer.class);

  /**
   * The full report, or the template when composing it fails; the template then says so in its
   * data-quality notes, and the failure is logged once with the run id.
   */
  public ReportResult answer(String runId, String question, TriageResult triage, DataResult data,
                             OptimizerResult optimizer, List<String> degradedNotes) {
    return answer(runId, question, triage, data, optimizer, degradedNotes, null);
  }

  /** As {@link #answer}, with {@code narrative} (when not null) as the executive summary. */
  public ReportResult answer(String runId, String question, TriageResult triage, DataResult data,
                             OptimizerResult optimizer, List<String> degradedNotes, String narrative) {
    try {
      return compose(question, triage, data, optimizer, degradedNotes, narrative);
    } catch (RuntimeException e) {
      LOG.warn("run {} report fell back to the template: {}", runId, e.toString());
      List<String> notes = new ArrayList<>(Optional.ofNullable(degradedNotes).orElse(List.of()));
      notes.add("report: the full report could not be composed (" + e.getMessage() + ") — used the plain template");
      return template(question, triage, data, optimizer, notes);
    }
  }

  /** {@code data} and {@code optimizer} may be null (insufficient data, or a stage that failed). */
  public ReportResult compose(String question, TriageResult triage, DataResult data, OptimizerResult optimizer,
                              List<String> degradedNotes) {
    return compose(question, triage, data, optimizer, degradedNotes, null);
  }

  private ReportResult compose(String question, TriageResult triage, DataResult data, OptimizerResult optimizer,
                               List<String> degradedNotes, String narrative) {
    if (data == null || hasNoRows(triage, data)) {
      return withoutData(question, triage, data, degradedNotes);
    }
    Report facts = ReportFacts.of(triage, data, optimizer, degradedNotes);
    Report report = narrative == null ? facts : ReportFacts.withSummary(facts, narrative);
    Markdown md = new Markdown().heading(1, report.title());
    NoDataAnswer.quote(md, question);
    md.heading(2, "Executive summary").paragraph(report.summary());
    Optional<IntentLead> lead = IntentLead.of(triage == null ? null : triage.intent());
    lead.ifPresent(l -> l.write(md, data, report.recommendations()));
    ReportSections.recommendationTable(md, report.recommendations());
    ReportSections.details(md, report.recommendations());
    ReportSections.actionPlan(md, report.actionPlan(), report.recommendations());
    if (data.forecast() != null && lead.filter(l -> l == IntentLead.FORECAST).isEmpty()) {
      FindingSections.forecast(md, data, report.recommendations());
    }
    if (!data.anomalies().isEmpty() && lead.filter(l -> l == IntentLead.ANOMALIES).isEmpty()) {
      FindingSections.anomalies(md, data, report.recommendations());
    }
    ReportSections.spendByModel(md, data);
    ReportSections.spendByFeature(md, data);
    ReportSections.dataQuality(md, report.dataQualityNotes());
    ReportSections.method(md, report.method());
    return new ReportResult(md.toString(), report);
  }

  /** The plain rendering: summary, the two main tables, the notes and the method, without plan or findings. */
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
    ReportSections.method(md, report.method());
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
