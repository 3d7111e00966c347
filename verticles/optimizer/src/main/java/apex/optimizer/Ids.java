package apex.optimizer;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Stable recommendation ids from their parts, e.g. {@code right-size-ticket-triage-gpt-4o}. */
final class Ids {
  private Ids() {}

  static String of(String... parts) {
    return Arrays.stream(parts)
        .map(part -> part.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-|-$", ""))
        .filter(part -> !part.isEmpty())
        .collect(Collectors.joining("-"));
  }
}
