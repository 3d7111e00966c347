package apex.triage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The intent of a question by weighted cue families: each family sums the weights of its cues
 * found in the text (a cue counts once), the highest sum wins, and a tie goes to the family listed
 * first (the specific ones before cost analysis, which every money word feeds). Weights: 3 a cue
 * that names the topic ("cache", "forecast"), 2–2.5 a strong hint ("good enough", "went up"),
 * 1–1.5 a weak one ("cost", "why did"). No cue at all is {@code general}.
 */
final class IntentRules {
  static final String GENERAL = "general";

  /** The winning intent, its score and the runner-up's. */
  record Intent(String name, double score, double runnerUp) {
    /** 0.3 for a guess; rises with the score; lower when another family came close. */
    double confidence() {
      if (score == 0) {
        return 0.3;
      }
      double c = Math.min(0.95, 0.45 + 0.08 * score) - (score - runnerUp < 1 ? 0.15 : 0);
      return Math.round(c * 100) / 100.0;
    }
  }

  private record Cue(Pattern pattern, double weight) {}

  private static final Map<String, List<Cue>> FAMILIES = new LinkedHashMap<>();

  static {
    family("data_upload_help",
        cues(3, "upload", "\\bingest", "\\bimport", "nd-?json|jsonl", "header row", "get (?:my )?usage into"),
        cues(2.5, "\\bcsv\\b", "json array", "spreadsheet", "required field", "mandatory", "\\bcolumns?\\b",
            "\\bschema\\b", "\\bformat\\b", "\\bexports?\\b"),
        cues(2, "\\bfile\\b", "connect my", "drop my", "see any of my data"),
        cues(1.5, "\\blogs\\b"));
    family("anomaly",
        cues(3, "spik", "anomal", "anomol", "outlier", "surge", "runaway", "through the roof", "went nuts"),
        cues(2.5, "jump", "sudden", "unusual", "weird", "\\bodd\\b", "abnormal", "unexpected", "what happened",
            "what caused", "went up", "way up", "up a lot", "doubled", "tripled", "\\b\\d+x\\b", "incident",
            "retry storm", "above (?:the )?(?:normal|average|usual)", "so much more", "driving (?:it|this|the)"),
        cues(1.5, "why (?:did|is|was|are|were)", "so high", "increase", "went wrong", "\\balert"));
    family("latency",
        cues(3, "\\bla[a-z]{2,4}nc(?:y|ies)\\b(?![- ]sensitive)", "\\bslow", "sluggish", "\\bp(?:50|75|90|95|99)\\b",
            "response times?", "time to first token", "\\bttft\\b", "time(?:d)? ?outs?\\b|timing out", "\\bfast",
            "speed", "how long", "take longer|taking \\d+ ?s|\\d+ seconds"),
        cues(2.5, "(?<!price/)(?<!price-)performance", "throughput"),
        cues(2, "\\blag\\b", "waiting"),
        cues(1.5, "median"));
    family("caching",
        cues(3, "cach", "cahc"),
        cues(2, "hit (?:rate|ratio|%)", "\\bprefix", "re-?use", "over and over", "identical", "repeated",
            "duplicate", "same (?:\\w+ )?(?:prompt|question|request)s?"),
        cues(1, "system prompt"));
    family("batching",
        cues(3, "batch", "bacth", "\\bbulk\\b", "offline"),
        cues(2.5, "async", "\\bdefer", "non-urgent", "non-interactive", "latency[- ]sensitive", "\\bflex\\b",
            "\\bqueue"),
        cues(2, "overnight", "nightly", "backfill"),
        cues(1.5, "real-?time"));
    family("budget_forecast",
        cues(3, "forecast", "predict", "project(?:ed|ion|ions)?\\b", "runway", "run[- ]?rate", "on track",
            "at this rate", "month[- ]end|end of (?:the )?month", "year[- ]end|end of (?:the )?year",
            "rest of the (?:year|quarter|month)"),
        cues(2, "budget", "stay under|keep .{0,30}under|under \\$", "exceed", "trend", "estimate", "capped|\\bcap\\b",
            "how close", "burning through", "next (?:month|quarter|year|\\d+ months)", "left for", "enough",
            "vs\\.? actual"),
        cues(1.5, "will we|are we going to|going to"),
        cues(1, "hit the"));
    family("model_selection",
        cues(3, "\\b(?:which|whcih|wich) models?\\b", "model selection", "(?:cheaper|smaller|mini|best) model",
            "right[- ]?siz", "downgrade", "overkill", "price[/-]performance", "replace", "alternatives?", "switch",
            "\\bswap"),
        cues(2.5, "good enough", "move (?:from|to a)", "viable", "could .{0,30}handle", "(?:could|would) (?:run on|do)\\b",
            "\\bpick\\b", "choose|choice", "upgrade"),
        cues(2, "instead"),
        cues(1.5, "compare", "\\bvs\\.?\\b|versus", "cheaper than", "cost less"));
    family("cost_analysis",
        cues(3, "analy[sz]|anaylz|analz", "(?:costs?|spends?|spent|spending|paying)(?: us)? the most|most expensive",
            "(?:cost|spend) report"),
        cues(2.5, "eating|\\beats\\b"),
        cues(2, "break ?down", "\\b(?:by|per) (?:model|provider|feature|team|day|request)", "\\btop \\d+",
            "where .{0,20}\\b(?:go|going|goes|went)\\b", "drivers?", "overspend", "expensive", "\\bsplit\\b",
            "summary|overview"),
        cues(1, "\\bcosts?\\b", "spend", "spent", "money", "\\bbill", "paying|pay for", "\\bburn", "\\btotal",
            "how much", "\\bsav(?:e|ing|ings)\\b", "reduce|\\bcut\\b|\\blower\\b"),
        cues(0.5, "usage"));
    family(GENERAL,
        cues(2.5, "what can you do", "how (?:does|do) (?:apex|it|you|the \\w+) (?:work|calculate)",
            "what is (?:a|an|prompt)\\b", "difference between", "who (?:built|made|are) you",
            "^\\s*(?:hello|hi|hey|thanks|thank you|good (?:morning|afternoon|evening))\\b", "joke", "privacy|private"));
  }

  private IntentRules() {}

  /**
   * Scores {@code text} (lower case). {@code columnsNamed}: the question names usage columns, which
   * speaks for upload help; they should already be masked out of the text.
   */
  static Intent classify(String text, boolean columnsNamed) {
    String best = GENERAL;
    double top = 0;
    double second = 0;
    for (Map.Entry<String, List<Cue>> family : FAMILIES.entrySet()) {
      double score = family.getValue().stream().filter(c -> c.pattern().matcher(text).find())
          .mapToDouble(Cue::weight).sum();
      if (columnsNamed && family.getKey().equals("data_upload_help")) {
        score += 2;
      }
      if (score > top) {
        second = top;
        top = score;
        best = family.getKey();
      } else if (score > second) {
        second = score;
      }
    }
    return new Intent(best, top, second);
  }

  @SafeVarargs
  private static void family(String name, List<Cue>... groups) {
    List<Cue> all = new ArrayList<>();
    Arrays.stream(groups).forEach(all::addAll);
    FAMILIES.put(name, List.copyOf(all));
  }

  private static List<Cue> cues(double weight, String... regexes) {
    return Arrays.stream(regexes).map(r -> new Cue(Pattern.compile(r), weight)).toList();
  }
}
