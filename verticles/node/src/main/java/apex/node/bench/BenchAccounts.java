package apex.node.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** A benchmark's accounts: signed up once through the REST API, logged in through it as often as needed. */
final class BenchAccounts {
  /**
   * The node hashes a password per sign-up and login (PBKDF2, CPU-bound): more calls at once than
   * this machine's two cores only queue them, and past auth's 5 s bus timeout a call fails.
   */
  private static final int PARALLEL_CALLS = 2;
  private final String password = UUID.randomUUID().toString(); // throw-away accounts, throw-away databases
  private final List<String> emails = new ArrayList<>();
  private final List<String> ids = new ArrayList<>();

  BenchAccounts(String prefix, int count) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < count; i++) {
      emails.add(prefix + "-" + run + "-" + i + "@example.com");
    }
  }

  /** {@code POST /api/auth/signup} for each account. */
  void signup(RunBenchClient rest) throws Exception {
    ids.addAll(inParallel(email -> rest.signup(email, password)));
  }

  /** Each account's access token, from {@code POST /api/auth/login}, in the accounts' order. */
  List<String> login(RunBenchClient rest) throws Exception {
    return inParallel(email -> rest.login(email, password).accessToken());
  }

  List<String> userIds() {
    return ids;
  }

  /** A REST call per account, {@link #PARALLEL_CALLS} at a time. */
  private List<String> inParallel(Function<String, String> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_CALLS);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (String email : emails) {
        answers.add(pool.submit(() -> call.apply(email)));
      }
      List<String> values = new ArrayList<>();
      for (Future<String> answer : answers) {
        values.add(answer.get());
      }
      return values;
    } finally {
      pool.shutdownNow();
    }
  }
}
