package apex.runtime.llm;

/** Why the LLM gave no usable answer; the caller keeps its deterministic result and says why. */
public final class LlmFailure extends RuntimeException {
  public LlmFailure(String message) {
    super(message, null, false, false);
  }
}
