package apex.contracts.tap;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Address globs as operators type them: {@code *} is any run of characters (dots included), {@code ?}
 * one character, everything else literal. {@code apex.stage.*} matches every stage address.
 */
public final class AddressPattern {
  private final String glob;
  private final Pattern regex;

  private AddressPattern(String glob) {
    this.glob = glob;
    StringBuilder out = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> out.append(".*");
        case '?' -> out.append('.');
        default -> out.append(Pattern.quote(String.valueOf(c)));
      }
    }
    this.regex = Pattern.compile(out.toString());
  }

  /** A glob of up to 200 characters from letters, digits and {@code . - _ * ?}; else an IllegalArgumentException saying why. */
  public static AddressPattern of(String glob) {
    if (glob == null || glob.isBlank()) {
      throw new IllegalArgumentException("an address pattern is empty");
    }
    if (glob.length() > 200 || !glob.matches("[A-Za-z0-9._\\-*?]+")) {
      throw new IllegalArgumentException("address pattern '" + glob
          + "': use letters, digits, '.', '-', '_' and the wildcards '*' and '?' (at most 200 characters)");
    }
    return new AddressPattern(glob);
  }

  public static boolean anyMatches(List<AddressPattern> patterns, String address) {
    for (AddressPattern p : patterns) {
      if (p.matches(address)) {
        return true;
      }
    }
    return false;
  }

  public boolean matches(String address) {
    return address != null && regex.matcher(address).matches();
  }

  @Override
  public String toString() {
    return glob;
  }
}
