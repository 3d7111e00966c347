package apex.report;

import apex.contracts.stage.Recommendation;
import apex.contracts.stage.ReportResult.ActionStep;

import java.util.ArrayList;
import java.util.List;

/**
 * The action plan: one action per recommendation — its title and the first step to take —
 * scheduled by the recommendation's effort (low this week, medium this month, high this quarter; an
 * effort the contract does not name is planned as high), in rank order within a period. The other
 * steps are under each recommendation; repeating them all here made the plan longer than the report.
 */
final class ActionPlan {
  private ActionPlan() {}

  static final String THIS_WEEK = "this week";
  static final String THIS_MONTH = "this month";
  static final String THIS_QUARTER = "this quarter";
  static final List<String> PERIODS = List.of(THIS_WEEK, THIS_MONTH, THIS_QUARTER);

  /** {@code ranked} in report order; a recommendation without steps is planned as its title alone. */
  static List<ActionStep> of(List<Recommendation> ranked) {
    List<ActionStep> plan = new ArrayList<>();
    for (String period : PERIODS) {
      for (Recommendation r : ranked) {
        if (period.equals(when(r.effort()))) {
          plan.add(new ActionStep(period, r.id(), r.steps() == null || r.steps().isEmpty()
              ? r.title() : r.title() + ": " + r.steps().get(0)));
        }
      }
    }
    return plan;
  }

  static String when(String effort) {
    return switch (effort == null ? "" : effort) {
      case "low" -> THIS_WEEK;
      case "medium" -> THIS_MONTH;
      default -> THIS_QUARTER;
    };
  }
}
