package apex.triage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Models and providers named in a question. A model is kept as written, lower case with spaces as
 * hyphens ("Gemini Flash" → {@code gemini-flash}, "4o mini" → {@code gpt-4o-mini}); a family word
 * alone ("sonnet") is a model too. Providers are the ones named ("bedrock" → {@code aws}) plus the
 * maker of each model or family word ("claude" → {@code anthropic}); llama names no provider, as
 * many host it.
 */
final class ModelNames {
  private static final String V = "\\d+(?:\\.\\d+)?";
  private static final String GPT_SUFFIX = "(?:[- ](?:mini|nano|turbo|pro|chat))*";
  private static final Pattern MODEL = Pattern.compile(String.join("|",
      "\\bgpt[- ]?" + V + "o?" + GPT_SUFFIX + "\\b",
      "(?<![\\w.-])" + "4o" + GPT_SUFFIX + "\\b",
      "\\bo[1345](?:[- ](?:mini|pro))?\\b",
      "\\bclaude(?:[- ]" + V + "(?:-\\d)?)?[- ](?:opus|sonnet|haiku)(?:[- ]" + V + ")?\\b",
      "\\bclaude[- ]" + V + "\\b",
      "\\b(?:opus|sonnet|haiku)(?:[- ]" + V + ")?\\b",
      "\\bgemini[- ](?:" + V + "[- ])?(?:pro|flash(?:[- ]lite)?|ultra|nano)\\b",
      "\\bgemini[- ]" + V + "\\b",
      "\\bllama[- ]?" + V + "(?:[- ]\\d+b)?\\b",
      "\\b(?:mistral|magistral)[- ](?:large|medium|small|tiny|nemo)\\b",
      "\\b(?:mixtral|codestral|ministral)(?:[- ][\\w.]+)?\\b",
      "\\bdeepseek[- ](?:v\\d(?:\\.\\d)?|r\\d|chat|coder|reasoner)\\b",
      "\\btext-embedding-[\\w-]+\\b",
      "\\bgrok[- ]?\\d(?:\\.\\d)?(?:[- ]mini)?\\b",
      "\\bcommand[- ]r(?:\\+|[- ]plus)?"));

  /** Words that name a provider, and the model-name starts that imply one. */
  private static final Map<Pattern, String> PROVIDERS = Map.ofEntries(
      Map.entry(Pattern.compile("\\b(?:openai|chatgpt|gpt|o[1345]|4o|text-embedding)\\b|\\bgpt[- ]?\\d|(?<![\\w.-])4o"), "openai"),
      Map.entry(Pattern.compile("\\b(?:anthropic|claude|opus|sonnet|haiku)\\b"), "anthropic"),
      Map.entry(Pattern.compile("\\b(?:google|gemini|vertex(?: ai)?)\\b"), "google"),
      Map.entry(Pattern.compile("\\b(?:mistral|mixtral|codestral|ministral|magistral)\\b"), "mistral"),
      Map.entry(Pattern.compile("\\bdeepseek\\b"), "deepseek"),
      Map.entry(Pattern.compile("\\b(?:cohere|command[- ]r)\\b"), "cohere"),
      Map.entry(Pattern.compile("\\bgroq\\b"), "groq"),
      Map.entry(Pattern.compile("\\b(?:aws|bedrock)\\b"), "aws"),
      Map.entry(Pattern.compile("\\bazure\\b"), "azure"),
      Map.entry(Pattern.compile("\\b(?:x-?ai|grok)\\b"), "x-ai"));

  private ModelNames() {}

  /** The models in {@code text} (lower case), in order, each once. */
  static List<String> models(String text) {
    List<String> models = new ArrayList<>();
    Matcher m = MODEL.matcher(text);
    while (m.find()) {
      String name = m.group().trim().replaceAll("\\s+", "-");
      name = name.startsWith("4o") ? "gpt-" + name : name.replaceFirst("^gpt(?=\\d)", "gpt-");
      if (!models.contains(name)) {
        models.add(name);
      }
    }
    return models;
  }

  /** The providers named or implied in {@code text} (lower case), in order of first mention. */
  static List<String> providers(String text) {
    TreeMap<Integer, String> byPosition = new TreeMap<>();
    PROVIDERS.forEach((pattern, provider) -> {
      Matcher m = pattern.matcher(text);
      if (m.find()) {
        byPosition.put(m.start(), provider);
      }
    });
    return List.copyOf(byPosition.values());
  }
}
