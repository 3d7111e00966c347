package apex.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code auth.users} table. */
final class AccountStore {
  record Account(String id, String email, String passwordHash, List<String> roles) {}

  private final Pool pool;

  AccountStore(Pool pool) {
    this.pool = pool;
  }

  Future<Optional<Account>> byEmail(String email) {
    return pool.preparedQuery("SELECT id, email, password_hash, roles FROM auth.users WHERE email = $1")
        .execute(Tuple.of(email))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(account(rows.iterator().next())));
  }

  Future<Optional<Account>> byId(String id) {
    return pool.preparedQuery("SELECT id, email, password_hash, roles FROM auth.users WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(id)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(account(rows.iterator().next())));
  }

  /** Inserts unless the email exists; answers the new account, or empty when the email was taken. */
  Future<Optional<Account>> create(String email, String passwordHash) {
    String id = UUID.randomUUID().toString();
    return pool.preparedQuery("INSERT INTO auth.users (id, email, password_hash) VALUES ($1, $2, $3) "
            + "ON CONFLICT (email) DO NOTHING RETURNING id, email, password_hash, roles")
        .execute(Tuple.of(UUID.fromString(id), email, passwordHash))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(account(rows.iterator().next())));
  }

  private static Account account(Row row) {
    return new Account(row.getUUID("id").toString(), row.getString("email"), row.getString("password_hash"),
        Arrays.asList(row.getArrayOfStrings("roles")));
  }
}
