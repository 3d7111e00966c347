package apex.contracts.stage;

import apex.contracts.Contract;

import java.util.List;

/** What triage found named in the question. */
public record Entities(List<String> models, List<String> providers, List<String> features, Integer windowDays)
    implements Contract {}
