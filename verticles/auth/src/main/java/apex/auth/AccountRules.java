package apex.auth;

import apex.contracts.ErrorCode;
import apex.contracts.auth.Credentials;

import java.util.Locale;
import java.util.regex.Pattern;

/** What a new account must satisfy; each refusal names the field and the rule. */
final class AccountRules {
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");
  static final int MIN_PASSWORD = 10;

  private AccountRules() {}

  static String normalizedEmail(String email) {
    return email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
  }

  static void check(Credentials credentials) {
    String email = normalizedEmail(credentials.email());
    String password = credentials.password() == null ? "" : credentials.password();
    if (!EMAIL.matcher(email).matches()) {
      throw ErrorCode.VALIDATION_FAILED.failure("email: not a valid email address");
    }
    if (password.length() < MIN_PASSWORD) {
      throw ErrorCode.VALIDATION_FAILED.failure("password: at least " + MIN_PASSWORD + " characters are needed");
    }
    if (password.trim().toLowerCase(Locale.ROOT).equals(email)) {
      throw ErrorCode.VALIDATION_FAILED.failure("password: must not be the email address");
    }
  }
}
