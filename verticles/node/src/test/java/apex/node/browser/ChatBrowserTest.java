package apex.node.browser;

import apex.data.demo.DemoUsage;
import apex.data.demo.DemoUsageGenerator;
import apex.data.demo.UsageCsv;
import apex.node.NodeLauncher;
import apex.node.Role;
import apex.runtime.TestServices;
import apex.runtime.pricing.PricingCatalog;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The chat page in a real headless Chromium against one real node (every verticle, embedded PostgreSQL
 * and Redis): sign up, upload, ask, watch the agents and read the priced report; a refused upload; and
 * a socket killed mid-run. Written to the page's element contract (ids, data-* states). Screenshots of
 * every step go to {@code verticles/node/target/screenshots/<test>/}.
 */
class ChatBrowserTest {
  static final String QUESTION = "Analyze my AI costs for the last 30 days";
  static final String PASSWORD = "correct horse battery staple";
  static final List<String> AGENTS = List.of("supervisor", "triage", "data", "optimizer", "report");
  static final Duration RUN_WAIT = Duration.ofSeconds(120);
  /** Records every frame the page's WebSockets receive, so a test knows each run's last seq. */
  static final String FRAME_RECORDER = """
      (() => {
        const Native = window.WebSocket;
        window.__frames = [];
        window.WebSocket = class extends Native {
          constructor(...args) {
            super(...args);
            this.addEventListener('message', (e) => {
              try {
                const f = JSON.parse(e.data);
                window.__frames.push({ type: f.type, run_id: f.run_id, seq: f.seq });
              } catch (ignored) { /* not JSON: the page reports it */ }
            });
          }
        };
      })();
      """;

  static NodeLauncher.RunningNode node;
  static String baseUrl;
  static DemoUsage demo;

  Chromium browser;

  /** A screenshot of the page as it was when a test failed, before the browser closes. */
  @RegisterExtension
  final AfterTestExecutionCallback shotOnFailure = context -> {
    if (context.getExecutionException().isPresent() && browser != null) {
      browser.shot("failed");
    }
  };

  @BeforeAll
  static void start() {
    Chromium.requireInstalled();
    Future<NodeLauncher.RunningNode> started = NodeLauncher.start(TestServices.config(Map.of("http.port", "0")),
        Role.all(), 1);
    node = await(started);
    baseUrl = "http://127.0.0.1:" + node.httpPort() + "/";
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    demo = new DemoUsageGenerator().generate(7, 30, 3_000, today, PricingCatalog.load(today));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      await(node.close());
    }
  }

  @BeforeEach
  void open(TestInfo test) {
    browser = Chromium.open(test.getTestMethod().orElseThrow().getName());
    browser.onEveryPage(FRAME_RECORDER);
  }

  @AfterEach
  void close() {
    if (browser == null) {
      return;
    }
    try {
      browser.assertNoConsoleErrors();
    } finally {
      browser.close();
    }
  }

  @Test
  void signUpUploadAskAndReadThePricedReport() {
    signUp();
    upload(demoCsv("usage.csv"));
    String rows = String.valueOf(demo.records().size());
    String grouped = NumberFormat.getIntegerInstance(Locale.US).format(demo.records().size());
    browser.until("the upload summary with " + rows + " rows", d -> {
      String text = d.findElement(By.id("upload-result")).getText();
      return text.contains(rows) || text.contains(grouped);
    });
    browser.until("usage.csv in #uploads", d -> d.findElement(By.id("uploads")).getText().contains("usage.csv"));
    browser.shot("uploaded");

    String runId = ask(QUESTION);
    assertRunEnds(runId, "completed");
    for (String agent : AGENTS) {
      WebElement card = browser.until("the " + agent + " card completed", d -> d.findElements(
          By.cssSelector(".agent-card[data-agent='" + agent + "'][data-status='completed']")).stream().findFirst().orElse(null));
      assertFalse(card.findElement(By.cssSelector(".agent-duration")).getText().isBlank(), agent + " shows its duration");
    }
    assertFalse(browser.all(".agent-card[data-agent='data'] .tool-call[data-tool]").isEmpty(), "the data agent's tool calls are shown");
    browser.shot("agents-completed");

    assertTrue(browser.visible("#answer").getText().contains("$"), "the answer is priced");
    browser.until("recommendation rows", d -> d.findElements(By.cssSelector("#recommendations tbody tr")).size() >= 2);
    for (String canvas : List.of("canvas#chart-cost-by-model", "canvas#chart-daily-cost")) {
      browser.until(canvas + " visible, of non-zero size and drawn", d -> {
        List<Object> box = browser.js("""
            const c = document.querySelector(arguments[0]);
            if (!c) return null;
            const r = c.getBoundingClientRect();
            let drawn = false;
            const ctx = c.getContext('2d');
            if (ctx && c.width > 0 && c.height > 0) {
              const px = ctx.getImageData(0, 0, c.width, c.height).data;
              for (let i = 3; i < px.length; i += 4) { if (px[i] !== 0) { drawn = true; break; } }
            }
            return [r.width, r.height, drawn];
            """, canvas);
        return box != null && ((Number) box.get(0)).doubleValue() > 0 && ((Number) box.get(1)).doubleValue() > 0
            && Boolean.TRUE.equals(box.get(2)) && d.findElement(By.cssSelector(canvas)).isDisplayed();
      });
    }
    browser.js("document.querySelector('#recommendations').scrollIntoView()");
    browser.shot("report");

    assertSortsBySavings();
    browser.shot("sorted-by-savings");
    assertEachEventShownOnce(runId);
  }

  @Test
  void aRefusedUploadShowsEachProblemsRowAndColumn() {
    signUp();
    // The server answers 422 with the problems; Chromium logs that response as a SEVERE network entry.
    browser.expectConsoleError("/api/usage\\S*\\s.*\\b422\\b");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Path bad = write("bad.csv", "ts,provider,model,input_tokens,output_tokens\n"
        + now + ",openai,gpt-5.4,100,10\n"
        + "yesterday,openai,gpt-5.4,100,10\n"
        + now + ",openai,gpt-5.4,-5,10\n");
    upload(bad);
    browser.until("two problem rows in #upload-errors",
        d -> d.findElements(By.cssSelector("#upload-errors tbody tr")).size() >= 2);
    List<List<String>> problems = new ArrayList<>();
    for (WebElement tr : browser.all("#upload-errors tbody tr")) {
      problems.add(tr.findElements(By.cssSelector("td")).stream().map(td -> td.getText().trim()).toList());
    }
    browser.js("document.querySelector('#upload-errors').scrollIntoView()");
    browser.shot("upload-errors");
    assertTrue(problems.stream().anyMatch(p -> p.size() >= 3 && p.get(0).equals("2") && p.get(1).equals("ts")
        && !p.get(2).isBlank()), "row 2, column ts: " + problems);
    assertTrue(problems.stream().anyMatch(p -> p.size() >= 3 && p.get(0).equals("3") && p.get(1).equals("input_tokens")
        && !p.get(2).isBlank()), "row 3, column input_tokens: " + problems);
    assertFalse(browser.present("#uploads").getText().contains("bad.csv"), "nothing was stored");
  }

  @Test
  void aSocketKilledMidRunReconnectsAndShowsEveryEventOnce() {
    signUp();
    upload(demoCsv("usage.csv"));
    browser.until("usage.csv in #uploads", d -> d.findElement(By.id("uploads")).getText().contains("usage.csv"));
    // Watches #status, and closes the live socket the moment the data card shows running.
    browser.js("""
        const status = document.querySelector('#status');
        window.__statusLog = [status.dataset.state];
        new MutationObserver(() => {
          const s = status.dataset.state;
          if (window.__statusLog[window.__statusLog.length - 1] !== s) window.__statusLog.push(s);
        }).observe(status, { attributes: true, attributeFilter: ['data-state'] });
        window.__killed = null;
        new MutationObserver((ignored, observer) => {
          if (!document.querySelector('.agent-card[data-agent="data"][data-status="running"]')) return;
          observer.disconnect();
          try {
            window.apex.socket.close();
            window.__killed = 'closed';
          } catch (e) {
            window.__killed = 'error: ' + e;
          }
        }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
        """);
    String runId = ask(QUESTION);
    String killed = browser.until("the data card to run (the socket is closed then)", d -> browser.js("return window.__killed"));
    assertEquals("closed", killed, "window.apex.socket.close()");
    browser.shot("socket-killed");

    assertRunEnds(runId, "completed");
    browser.until("#status connected", d -> !d.findElements(By.cssSelector("#status[data-state='connected']")).isEmpty());
    List<String> states = browser.js("return window.__statusLog");
    int reconnecting = states.indexOf("reconnecting");
    assertTrue(reconnecting >= 0 && states.subList(reconnecting, states.size()).contains("connected"),
        "#status went reconnecting then connected: " + states);
    browser.shot("reconnected-run-completed");
    assertEachEventShownOnce(runId);
  }

  // ------------------------------------------------------------------------------------ steps

  /** Signs a new user up through the page and waits for the live connection. */
  private void signUp() {
    browser.driver.get(baseUrl);
    browser.visible("#login-form");
    browser.shot("login");
    browser.present("#email").sendKeys("browser-" + UUID.randomUUID() + "@example.com");
    browser.present("#password").sendKeys(PASSWORD);
    browser.click("#signup-submit");
    try {
      browser.until("#status connected after sign-up",
          d -> !d.findElements(By.cssSelector("#status[data-state='connected']")).isEmpty());
    } catch (TimeoutException e) {
      throw Chromium.explain(e, "#auth-error: " + browser.all("#auth-error").stream().map(WebElement::getText).toList());
    }
    browser.shot("signed-up");
  }

  private void upload(Path file) {
    browser.present("#upload-input").sendKeys(file.toAbsolutePath().toString());
    browser.click("#upload-button");
  }

  /** Sends {@code question}; returns the run id the page shows for it. */
  private String ask(String question) {
    browser.present("#message").sendKeys(question);
    browser.click("#send");
    String runId = browser.until("#run with a run id", d -> d.findElements(By.cssSelector("#run[data-run-id]")).stream()
        .map(run -> run.getDomAttribute("data-run-id")).filter(id -> id != null && !id.isBlank()).findFirst().orElse(null));
    browser.shot("asked");
    return runId;
  }

  /** Waits for the run to end and checks how. */
  private void assertRunEnds(String runId, String expected) {
    String state;
    try {
      state = browser.until("run " + runId + " to end", RUN_WAIT, d -> {
        String s = d.findElement(By.id("run")).getDomAttribute("data-state");
        return List.of("completed", "failed", "stopped").contains(s) ? s : null;
      });
    } catch (TimeoutException e) {
      throw Chromium.explain(e, "#run " + browser.present("#run").getText() + "; #status "
          + browser.present("#status").getDomAttribute("data-state"));
    }
    assertEquals(expected, state, "#run data-state; #run-progress says: "
        + browser.all("#run-progress").stream().map(WebElement::getText).toList());
    assertEquals(runId, browser.present("#run").getDomAttribute("data-run-id"));
  }

  /** Clicking the savings header sorts the rows one way, clicking it again the other way. */
  private void assertSortsBySavings() {
    List<Double> before = savings();
    assertTrue(before.stream().distinct().count() >= 2, "at least two different savings to sort: " + before);
    browser.click("#recommendations th[data-sort='monthly_savings_usd']");
    int first = browser.until("savings in order after the first click", d -> order(savings()) != 0 ? order(savings()) : null);
    browser.shot("sorted-once");
    browser.click("#recommendations th[data-sort='monthly_savings_usd']");
    browser.until("savings in the other order after the second click", d -> order(savings()) == -first);
    assertEquals(before.size(), savings().size(), "sorting keeps every row");
  }

  /** The savings column of the recommendations, top to bottom. */
  private List<Double> savings() {
    List<String> cells = browser.js("""
        const th = document.querySelector("#recommendations th[data-sort='monthly_savings_usd']");
        const column = th.cellIndex;
        return Array.from(document.querySelectorAll('#recommendations tbody tr'))
            .map(tr => tr.cells[column] ? tr.cells[column].textContent : '');
        """);
    return cells.stream().map(ChatBrowserTest::amount).toList();
  }

  static double amount(String text) {
    String digits = text.replaceAll("[^0-9.\\-]", "");
    if (digits.isEmpty()) {
      throw new AssertionError("not an amount: \"" + text + "\"");
    }
    return Double.parseDouble(digits);
  }

  /** 1 ascending, -1 descending, 0 neither (or all equal). */
  static int order(List<Double> values) {
    boolean ascending = true;
    boolean descending = true;
    for (int i = 1; i < values.size(); i++) {
      ascending &= values.get(i - 1) <= values.get(i);
      descending &= values.get(i - 1) >= values.get(i);
    }
    return ascending == descending ? 0 : ascending ? 1 : -1;
  }

  /** The run's .event elements are exactly seq 1..N, N the seq of its run_completed, none twice. */
  private void assertEachEventShownOnce(String runId) {
    long last = browser.until("run_completed of " + runId + " received", d -> {
      List<Map<String, Object>> frames = browser.js("return window.__frames.filter(f => f.run_id === arguments[0]"
          + " && f.type === 'run_completed')", runId);
      return frames.isEmpty() ? null : ((Number) frames.get(0).get("seq")).longValue();
    });
    List<Long> expected = LongStream.rangeClosed(1, last).boxed().toList();
    String css = ".event[data-run-id='" + runId + "'][data-seq]";
    try {
      browser.until("events 1.." + last + " of the run shown", d -> seqs(css).stream().sorted().toList().equals(expected));
    } catch (TimeoutException e) {
      throw Chromium.explain(e, "seqs " + seqs(css));
    }
    List<Long> shown = seqs(css);
    assertEquals(expected.size(), shown.size(), "each event once: " + shown);
    assertEquals(expected, shown.stream().sorted().toList());
  }

  private List<Long> seqs(String css) {
    return browser.all(css).stream().map(e -> Long.parseLong(e.getDomAttribute("data-seq"))).toList();
  }

  // ------------------------------------------------------------------------------------ fixtures

  private static Path demoCsv(String name) {
    return write(name, UsageCsv.of(demo.records()));
  }

  private static Path write(String name, String content) {
    try {
      Path dir = Files.createDirectories(Chromium.SCREENSHOTS.getParent().resolve("browser-uploads").resolve(UUID.randomUUID().toString()));
      return Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      return fail("waited for " + future + ": " + e, e);
    }
  }
}
