package apex.contracts.stage;

import apex.contracts.Contract;

import java.util.List;

/**
 * What triage found named in the question: models, providers, features, the time window as
 * written ({@code windowText}, e.g. "since March") and its length in days (null when the question
 * names none), dollar amounts and percentages.
 */
public record Entities(List<String> models, List<String> providers, List<String> features, Integer windowDays,
                       String windowText, List<Double> amountsUsd, List<Double> percentages)
    implements Contract {

  /** Nothing named. */
  public static Entities none() {
    return new Entities(List.of(), List.of(), List.of(), null, null, List.of(), List.of());
  }
}
