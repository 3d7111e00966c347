package apex.node;

import apex.data.demo.DemoUsage;
import apex.data.demo.DemoUsageGenerator;
import apex.data.demo.UsageCsv;
import apex.runtime.TestServices;
import apex.runtime.pricing.PricingCatalog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static apex.node.ApexClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code apex demo-data} writes the generator's rows and manifest, and uploads them to a running Apex. */
class DemoDataCommandTest {
  static NodeLauncher.RunningNode node;
  static ApexClient client;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    node = await(NodeLauncher.start(TestServices.config(Map.of("http.port", "0")), Role.all(), 1));
    client = new ApexClient(node.httpPort());
  }

  @AfterAll
  static void stop() {
    client.close();
    await(node.close());
  }

  /** Exit code, stdout and stderr of one command line. */
  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = ApexNode.commandLine().execute(args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  private String[] files(String... more) {
    String[] base = {"demo-data", "--out", dir.resolve("usage.csv").toString(), "--manifest",
        dir.resolve("manifest.json").toString()};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void writesTheGeneratorsRowsAsCsvAndItsManifest() throws IOException {
    Run run = run(files("--rows", "1400", "--days", "7", "--seed", "3", "--last-day", "2026-03-31"));
    assertEquals(0, run.exit(), run.err());
    LocalDate last = LocalDate.parse("2026-03-31");
    DemoUsage expected = new DemoUsageGenerator().generate(3, 7, 1400, last, PricingCatalog.load(last));
    assertEquals(UsageCsv.of(expected.records()), Files.readString(dir.resolve("usage.csv")));
    JsonObject manifest = new JsonObject(Files.readString(dir.resolve("manifest.json")));
    assertEquals(expected.manifest().toJson(), manifest);
    assertTrue(run.out().contains(String.format("wrote %,d rows", expected.records().size())), run.out());
  }

  @Test
  void badNumbersDatesAndUrlsExit2NamingTheProblem() {
    Run letters = run(files("--rows", "many"));
    assertEquals(2, letters.exit());
    assertTrue(letters.err().contains("--rows") && letters.err().contains("many"), letters.err());
    assertTrue(run(files("--days", "0")).err().contains("days must be between 1 and 3660"));
    assertTrue(run(files("--rows", "3", "--days", "7")).err().contains("rows must be between"));
    Run date = run(files("--last-day", "2026-02-30"));
    assertEquals(2, date.exit());
    assertTrue(date.err().contains("--last-day"), date.err());
    assertTrue(run(files("--user", "a@example.com")).err().contains("--password is required with --user"));
    assertTrue(run(files("--user", "a@example.com", "--password", "x", "--url", "ftp://host"))
        .err().contains("--url must be an http(s) URL"));
    assertFalse(Files.exists(dir.resolve("usage.csv")), "nothing written on a bad command line");
  }

  @Test
  void anUnreachableServerOrARefusedLoginExits1Clearly() throws IOException {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Run unreachable = run(files("--rows", "700", "--days", "7", "--user", "a@example.com", "--password", "pw",
        "--url", "http://127.0.0.1:" + closedPort));
    assertEquals(1, unreachable.exit());
    assertTrue(unreachable.err().contains("cannot reach http://127.0.0.1:" + closedPort), unreachable.err());

    Run refused = run(files("--rows", "700", "--days", "7", "--user", "nobody-" + UUID.randomUUID() + "@example.com",
        "--password", "wrong password", "--url", "http://127.0.0.1:" + node.httpPort()));
    assertEquals(1, refused.exit());
    assertTrue(refused.err().contains("refused (401)"), refused.err());
  }

  @Test
  void uploadsInFilesUnderTheLimitAndPrintsEachUploadId() {
    String email = "demo-" + UUID.randomUUID() + "@example.com";
    String token = client.signup(email, "correct horse battery");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Run run = run(files("--rows", "2800", "--days", "14", "--seed", "5", "--user", email, "--password",
        "correct horse battery", "--url", "http://127.0.0.1:" + node.httpPort(), "--max-upload-bytes", "300000"));
    assertEquals(0, run.exit(), run.err());

    DemoUsage expected = new DemoUsageGenerator().generate(5, 14, 2800, today, PricingCatalog.load(today));
    int files = UsageCsv.chunks(expected.records(), 300_000).size();
    assertTrue(files > 1, "split into " + files);
    Matcher ids = Pattern.compile("upload (\\d+)/(\\d+): .* upload_id (\\S+)").matcher(run.out());
    int printed = 0;
    while (ids.find()) {
      printed++;
    }
    assertEquals(files, printed, run.out());

    JsonArray uploads = client.get("/api/usage/uploads", token).bodyAsJsonObject().getJsonArray("uploads");
    assertEquals(files, uploads.size());
    int rows = uploads.stream().mapToInt(u -> ((JsonObject) u).getInteger("rows")).sum();
    assertEquals(expected.records().size(), rows);
  }
}
