package apex.data.ingest;

import java.util.Locale;
import java.util.Map;

/** Provider names as the pricing catalog spells them, from a provider column or from the model name. */
final class Providers {

  /** Routing names some gateways use for a provider we price under another name. */
  private static final Map<String, String> SYNONYMS = Map.of(
      "vertexai", "google", "vertexaibeta", "google", "gemini", "google",
      "xai", "x-ai", "mistralai", "mistral");

  private Providers() {}

  /** The provider column's value, lower-cased, with gateway synonyms mapped. */
  static String normalise(String provider) {
    String lower = provider.toLowerCase(Locale.ROOT);
    return SYNONYMS.getOrDefault(Field.normalise(lower), lower);
  }

  /**
   * The provider a model name belongs to, or null. Looks at the name after the last slash so that
   * gateway prefixes ({@code openrouter/anthropic/claude-…}) do not hide it.
   */
  static String infer(String model) {
    String name = model.toLowerCase(Locale.ROOT);
    name = name.substring(name.lastIndexOf('/') + 1);
    if (name.startsWith("gpt-") || name.startsWith("o1") || name.startsWith("o3") || name.startsWith("o4")
        || name.startsWith("text-embedding") || name.startsWith("chatgpt-")) {
      return "openai";
    }
    if (name.contains("claude")) {
      return "anthropic";
    }
    if (name.contains("gemini") || name.contains("gemma")) {
      return "google";
    }
    if (name.contains("mistral") || name.contains("mixtral") || name.contains("codestral")) {
      return "mistral";
    }
    if (name.contains("deepseek")) {
      return "deepseek";
    }
    if (name.contains("grok")) {
      return "x-ai";
    }
    if (name.startsWith("command")) {
      return "cohere";
    }
    return name.contains("llama") ? "meta" : null;
  }
}
