package apex.auth;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.auth.Credentials;
import apex.contracts.auth.Logout;
import apex.contracts.auth.Revocation;
import apex.contracts.auth.TicketRequest;
import apex.contracts.auth.TokenCheck;
import apex.contracts.auth.TokenResponse;
import apex.contracts.auth.UserLookup;
import apex.contracts.auth.VerifiedUser;
import apex.runtime.ApexVerticle;
import apex.runtime.security.JwtKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Accounts, access and refresh tokens, revocation and WebSocket tickets. Password hashing runs on
 * worker threads; a login for an unknown email hashes anyway and fails with the same answer as a
 * wrong password. Every verification consults the denylist, so a logout is effective on the next
 * request anywhere in the cluster.
 */
public class AuthVerticle extends ApexVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);

  private final PasswordHasher hasher = new PasswordHasher();
  private RoleGrants grants;
  private AccountStore accounts;
  private TokenIssuer tokens;
  private TicketStore tickets;
  private SessionStore sessions;
  private String decoyHash;

  public AuthVerticle() {
    super("auth", Addresses.AUTH_LOGIN);
  }

  @Override
  protected Future<?> startService() {
    if ("ES256".equals(JwtKeys.algorithm(settings)) && settings.string("auth.jwt_private_key_file").isBlank()) {
      return Future.failedFuture("auth signs tokens: with ES256 it needs auth.jwt_private_key_file");
    }
    grants = new RoleGrants(settings);
    tickets = new TicketStore(redis(), settings.integer("auth.ticket_ttl_seconds"));
    sessions = new SessionStore(redis(), settings.integer("auth.refresh_ttl_seconds"),
        settings.integer("auth.access_ttl_seconds"), reused -> announceEnd(reused.userId(), reused.family()));
    // The key may come from PEM files: read them off the event loop.
    return vertx.executeBlocking(() -> new TokenIssuer(vertx, settings))
        .onSuccess(issuer -> tokens = issuer)
        .compose(v -> postgres("auth"))
        .onSuccess(pool -> accounts = new AccountStore(pool))
        .compose(v -> vertx.executeBlocking(() -> hasher.hash("decoy-password-for-unknown-emails")))
        .onSuccess(hash -> decoyHash = hash)
        .compose(v -> seed("auth.demo_user"))
        .compose(v -> seed("auth.ops_user"))
        .compose(v -> Future.all(List.of(
            serve(Addresses.AUTH_SIGNUP, this::signup),
            serve(Addresses.AUTH_LOGIN, this::login),
            serve(Addresses.AUTH_REFRESH, this::refresh),
            serve(Addresses.AUTH_LOGOUT, this::logout),
            serve(Addresses.AUTH_VERIFY, body -> verify(ContractJson.fromJson(body, TokenCheck.class).token())
                .map(VerifiedUser::toJson)),
            serve(Addresses.AUTH_USER_LOOKUP, this::lookup),
            serve(Addresses.AUTH_TICKET_ISSUE, this::issueTicket),
            serve(Addresses.AUTH_TICKET_REDEEM, body -> tickets.redeem(body.getString("token"))
                .compose(user -> notRevoked(user)).map(VerifiedUser::toJson)))));
  }

  private Future<JsonObject> signup(JsonObject body) {
    Credentials credentials = ContractJson.fromJson(body, Credentials.class);
    AccountRules.check(credentials);
    String email = AccountRules.normalizedEmail(credentials.email());
    return vertx.executeBlocking(() -> hasher.hash(credentials.password()))
        .compose(hash -> accounts.create(email, hash))
        .compose(created -> created
            .map(this::newSession)
            .orElseGet(() -> Future.failedFuture(ErrorCode.CONFLICT.failure("email: an account already exists"))));
  }

  private Future<JsonObject> login(JsonObject body) {
    Credentials credentials = ContractJson.fromJson(body, Credentials.class);
    String password = credentials.password() == null ? "" : credentials.password();
    return accounts.byEmail(AccountRules.normalizedEmail(credentials.email()))
        .compose(found -> vertx.executeBlocking(() -> {
          boolean matches = hasher.verify(password, found.map(AccountStore.Account::passwordHash).orElse(decoyHash));
          return matches ? found : Optional.<AccountStore.Account>empty();
        }))
        .compose(account -> account
            .map(this::newSession)
            .orElseGet(() -> Future.failedFuture(ErrorCode.INVALID_CREDENTIALS.failure("email or password is wrong"))));
  }

  private Future<JsonObject> newSession(AccountStore.Account account) {
    return sessions.start(account.id()).map(session -> tokenResponse(account, session.sid(), session.refreshToken()));
  }

  private Future<JsonObject> refresh(JsonObject body) {
    return sessions.redeem(body.getString("refresh_token"))
        .compose(redeemed -> accounts.byId(redeemed.userId()).compose(account -> account
            .map(a -> sessions.next(redeemed).map(next -> tokenResponse(a, redeemed.family(), next)))
            .orElseGet(() -> Future.failedFuture(ErrorCode.TOKEN_REVOKED.failure("the account no longer exists")))));
  }

  private JsonObject tokenResponse(AccountStore.Account account, String sid, String refreshToken) {
    String token = tokens.issue(account.id(), account.email(), grants.rolesOf(account.email(), account.roles()), sid);
    return new TokenResponse(token, "Bearer", tokens.ttlSeconds(), account.id(), refreshToken,
        sessions.refreshTtlSeconds()).toJson();
  }

  /** Ends the session of the token: its refreshes and every access token of it; bridges close its sockets. */
  private Future<JsonObject> logout(JsonObject body) {
    Logout logout = ContractJson.fromJson(body, Logout.class);
    VerifiedUser user = logout.user();
    if (user == null || user.sid() == null) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("logout needs the verified user"));
    }
    return sessions.end(user.sid())
        .onSuccess(v -> announceEnd(user.userId(), user.sid()))
        .map(v -> new JsonObject().put("revoked", true));
  }

  private void announceEnd(String userId, String sid) {
    vertx.eventBus().publish(Addresses.AUTH_REVOKED, new Revocation(userId, sid).toJson());
  }

  private Future<VerifiedUser> verify(String token) {
    return tokens.verify(token).compose(this::notRevoked);
  }

  /**
   * The denylist check. When Redis cannot answer, verification goes on without it (logged): an
   * outage must not log everybody out; revocations made before it stay in Redis.
   */
  private Future<VerifiedUser> notRevoked(VerifiedUser user) {
    return sessions.ended(user.sid())
        .recover(e -> {
          LOG.warn("revocation check skipped, Redis unavailable: {}", e.getMessage());
          return Future.succeededFuture(false);
        })
        .compose(denied -> denied
            ? Future.failedFuture(ErrorCode.TOKEN_REVOKED.failure("this token was revoked (logged out)"))
            : Future.succeededFuture(user));
  }

  private Future<JsonObject> lookup(JsonObject body) {
    UserLookup query = ContractJson.fromJson(body, UserLookup.class);
    return accounts.byEmail(AccountRules.normalizedEmail(query.email())).compose(found -> found
        .map(a -> Future.succeededFuture(new UserLookup(a.email(), a.id()).toJson()))
        .orElseGet(() -> Future.failedFuture(ErrorCode.NOT_FOUND.failure("no account for " + query.email()))));
  }

  private Future<JsonObject> issueTicket(JsonObject body) {
    TicketRequest request = ContractJson.fromJson(body, TicketRequest.class);
    if (request.user() == null || request.user().userId() == null) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("ticket needs the verified user"));
    }
    return tickets.issue(request.user()).map(ticket -> ticket.toJson());
  }

  /**
   * A dev-profile account ({@code auth.demo_user}, {@code auth.ops_user}), created once; safe when
   * several instances start together. Its roles come from {@link RoleGrants} like anyone's.
   */
  private Future<Void> seed(String path) {
    if (!settings.flag("demo.seed") || settings.string(path + ".email").isBlank()) {
      return Future.succeededFuture();
    }
    String email = AccountRules.normalizedEmail(settings.string(path + ".email"));
    String password = settings.string(path + ".password");
    return accounts.byEmail(email).compose(found -> found.isPresent()
        ? Future.succeededFuture()
        : vertx.executeBlocking(() -> hasher.hash(password)).compose(hash -> accounts.create(email, hash)).mapEmpty());
  }
}
