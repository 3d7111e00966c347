package apex.auth;

import apex.runtime.config.ApexConfig;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Roles beyond {@code user}, granted by configuration: {@code auth.admins} and {@code auth.operators}
 * list account emails ({@code APEX_AUTH_ADMINS=a@x.com,b@y.com}). Read at every token issue, so a
 * grant or a removal takes effect at the account's next login or refresh. An admin may do
 * everything an operator may.
 */
final class RoleGrants {
  static final String ADMIN = "admin";
  static final String OPERATOR = "operator";

  private final Set<String> admins;
  private final Set<String> operators;

  RoleGrants(ApexConfig config) {
    admins = normalized(config.strings("auth.admins"));
    operators = normalized(config.strings("auth.operators"));
  }

  List<String> rolesOf(String email, List<String> stored) {
    Set<String> roles = new LinkedHashSet<>(stored);
    String key = AccountRules.normalizedEmail(email);
    if (admins.contains(key)) {
      roles.add(ADMIN);
      roles.add(OPERATOR);
    } else if (operators.contains(key)) {
      roles.add(OPERATOR);
    }
    return List.copyOf(roles);
  }

  private static Set<String> normalized(List<String> emails) {
    Set<String> set = new LinkedHashSet<>();
    emails.forEach(e -> set.add(AccountRules.normalizedEmail(e)));
    return set;
  }
}
