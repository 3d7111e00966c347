package apex.auth;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.auth.Credentials;
import apex.contracts.auth.TicketRequest;
import apex.contracts.auth.TokenCheck;
import apex.contracts.auth.TokenResponse;
import apex.contracts.auth.UserLookup;
import apex.contracts.auth.VerifiedUser;
import apex.runtime.ApexVerticle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * Accounts, access tokens and WebSocket tickets. Password hashing runs on worker threads; a login
 * for an unknown email hashes anyway and fails with the same answer as a wrong password.
 */
public class AuthVerticle extends ApexVerticle {
  private final PasswordHasher hasher = new PasswordHasher();
  private AccountStore accounts;
  private TokenIssuer tokens;
  private TicketStore tickets;
  private String decoyHash;

  public AuthVerticle() {
    super("auth", Addresses.AUTH_LOGIN);
  }

  @Override
  protected Future<?> startService() {
    tokens = new TokenIssuer(vertx, settings);
    tickets = new TicketStore(redis(), settings.integer("auth.ticket_ttl_seconds"));
    return postgres("auth")
        .onSuccess(pool -> accounts = new AccountStore(pool))
        .compose(v -> vertx.executeBlocking(() -> hasher.hash("decoy-password-for-unknown-emails")))
        .onSuccess(hash -> decoyHash = hash)
        .compose(v -> seedDemoUser())
        .compose(v -> Future.all(List.of(
            serve(Addresses.AUTH_SIGNUP, this::signup),
            serve(Addresses.AUTH_LOGIN, this::login),
            serve(Addresses.AUTH_VERIFY, body -> verify(body).map(VerifiedUser::toJson)),
            serve(Addresses.AUTH_USER_LOOKUP, this::lookup),
            serve(Addresses.AUTH_TICKET_ISSUE, this::issueTicket),
            serve(Addresses.AUTH_TICKET_REDEEM, body -> tickets.redeem(body.getString("token")).map(VerifiedUser::toJson)))));
  }

  private Future<JsonObject> signup(JsonObject body) {
    Credentials credentials = ContractJson.fromJson(body, Credentials.class);
    AccountRules.check(credentials);
    String email = AccountRules.normalizedEmail(credentials.email());
    return vertx.executeBlocking(() -> hasher.hash(credentials.password()))
        .compose(hash -> accounts.create(email, hash))
        .compose(created -> created
            .map(account -> Future.succeededFuture(tokenFor(account)))
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
            .map(a -> Future.succeededFuture(tokenFor(a)))
            .orElseGet(() -> Future.failedFuture(ErrorCode.INVALID_CREDENTIALS.failure("email or password is wrong"))));
  }

  private JsonObject tokenFor(AccountStore.Account account) {
    String token = tokens.issue(account.id(), account.email(), account.roles());
    return new TokenResponse(token, "Bearer", tokens.ttlSeconds(), account.id()).toJson();
  }

  private Future<VerifiedUser> verify(JsonObject body) {
    return tokens.verify(ContractJson.fromJson(body, TokenCheck.class).token());
  }

  private Future<JsonObject> lookup(JsonObject body) {
    UserLookup query = ContractJson.fromJson(body, UserLookup.class);
    return accounts.byEmail(AccountRules.normalizedEmail(query.email())).compose(found -> found
        .map(a -> Future.succeededFuture(new UserLookup(a.email(), a.id()).toJson()))
        .orElseGet(() -> Future.failedFuture(ErrorCode.NOT_FOUND.failure("no account for " + query.email()))));
  }

  private Future<JsonObject> issueTicket(JsonObject body) {
    TicketRequest request = ContractJson.fromJson(body, TicketRequest.class);
    return tickets.issue(new VerifiedUser(request.userId(), request.email(), List.of("user"), request.expiresAt()))
        .map(ticket -> ticket.toJson());
  }

  /** The dev profile's demo account, created once; safe when several instances start together. */
  private Future<Void> seedDemoUser() {
    if (!settings.flag("demo.seed")) {
      return Future.succeededFuture();
    }
    String email = AccountRules.normalizedEmail(settings.string("auth.demo_user.email"));
    String password = settings.string("auth.demo_user.password");
    return accounts.byEmail(email).compose(found -> found.isPresent()
        ? Future.succeededFuture()
        : vertx.executeBlocking(() -> hasher.hash(password)).compose(hash -> accounts.create(email, hash)).mapEmpty());
  }
}
