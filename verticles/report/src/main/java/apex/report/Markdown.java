package apex.report;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A small markdown writer: headings, paragraphs, lists and tables with escaped cells. Every piece of
 * text is kept on one line, so a value from the usage data cannot change the document's structure.
 */
final class Markdown {
  private static final Pattern LINE_BREAK = Pattern.compile("\\s*\\R\\s*");
  private final StringBuilder text = new StringBuilder();

  Markdown heading(int level, String title) {
    text.append("#".repeat(level)).append(' ').append(oneLine(title)).append("\n\n");
    return this;
  }

  /** One line: text from the stages (feature names, evidence) cannot open a heading or a list. */
  Markdown paragraph(String paragraph) {
    text.append(oneLine(paragraph)).append("\n\n");
    return this;
  }

  Markdown bullets(List<String> items) {
    items.forEach(item -> text.append("- ").append(oneLine(item)).append('\n'));
    text.append('\n');
    return this;
  }

  Markdown numbered(List<String> items) {
    for (int i = 0; i < items.size(); i++) {
      text.append(i + 1).append(". ").append(oneLine(items.get(i))).append('\n');
    }
    text.append('\n');
    return this;
  }

  /** {@code alignRight} marks number columns. */
  Markdown table(List<String> header, List<Boolean> alignRight, List<List<String>> rows) {
    text.append(row(header));
    text.append(alignRight.stream().map(right -> right ? "---:" : "---")
        .collect(Collectors.joining(" | ", "| ", " |\n")));
    rows.forEach(r -> text.append(row(r)));
    text.append('\n');
    return this;
  }

  Markdown code(String language, String body) {
    text.append("```").append(language).append('\n').append(body.strip()).append("\n```\n\n");
    return this;
  }

  @Override
  public String toString() {
    return text.toString().strip() + "\n";
  }

  private static String row(List<String> cells) {
    return cells.stream().map(Markdown::cell).collect(Collectors.joining(" | ", "| ", " |\n"));
  }

  private static String cell(String value) {
    return oneLine(value).replace("|", "\\|");
  }

  private static String oneLine(String value) {
    if (value == null) {
      return "";
    }
    // Most cells are one line already: the pattern runs only on those that break.
    return hasLineBreak(value) ? LINE_BREAK.matcher(value).replaceAll(" ").strip() : value.strip();
  }

  /** Whether {@code value} holds any character {@code \R} matches. */
  private static boolean hasLineBreak(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c >= '\n' && c <= '\r') || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return true;
      }
    }
    return false;
  }
}
