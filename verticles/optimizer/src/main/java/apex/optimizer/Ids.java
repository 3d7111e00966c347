package apex.optimizer;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Stable recommendation ids from their parts, e.g. {@code right-size-ticket-triage-gpt-4o}. */
final class Ids {
  private Ids() {}

  private static final Pattern NOT_ID = Pattern.compile("[^a-z0-9.]+");
  private static final Pattern EDGE_DASHES = Pattern.compile("^-|-$");

  static String of(String... parts) {
    return Arrays.stream(parts)
        .map(part -> EDGE_DASHES.matcher(NOT_ID.matcher(part.toLowerCase(Locale.ROOT)).replaceAll("-")).replaceAll(""))
        .filter(part -> !part.isEmpty())
        .collect(Collectors.joining("-"));
  }
}
