package apex.node.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One headless Chromium (Debian's, driven by Debian's chromedriver; Selenium Manager never runs and
 * nothing is downloaded) for one test: explicit waits, numbered screenshots of each step under
 * {@code target/screenshots/<test>/}, and the console log, any SEVERE entry of which fails the test
 * unless the test said it expects it.
 */
final class Chromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Duration WAIT = Duration.ofSeconds(60);
  static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "screenshots");

  final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path shots;
  private final List<Pattern> expectedErrors = new ArrayList<>();
  private final List<LogEntry> console = new ArrayList<>();
  private int step;

  private Chromium(ChromeDriverService service, ChromeDriver driver, Path shots) {
    this.service = service;
    this.driver = driver;
    this.shots = shots;
  }

  /** Fails, saying how to install them, when the browser or its driver is missing: never a silent skip. */
  static void requireInstalled() {
    List<String> missing = Stream.of(BINARY, DRIVER).filter(p -> !Files.isExecutable(p)).map(Path::toString).toList();
    if (!missing.isEmpty()) {
      throw new AssertionError("The browser tests need Debian's Chromium and ChromeDriver, and " + missing
          + " is missing. Install them with: sudo apt-get install -y chromium chromium-driver"
          + " (.ci/run installs them in CI). No browser or driver is ever downloaded.");
    }
  }

  /** A chromedriver on a free loopback port, its log in target/chromedriver.log; quitting its session stops it. */
  private static ChromeDriverService startService() {
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile()) // an explicit driver: Selenium Manager is never asked
        .usingAnyFreePort()
        .withLogFile(SCREENSHOTS.getParent().resolve("chromedriver.log").toFile())
        .withAppendLog(true)
        .build();
    try {
      service.start();
    } catch (IOException e) {
      throw new UncheckedIOException("chromedriver did not start", e);
    }
    return service;
  }

  /** A fresh chromedriver and browser (fresh profile) for the test named {@code name}; its old screenshots are removed. */
  static Chromium open(String name) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--disable-component-update", "--disable-sync");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    Path shots = SCREENSHOTS.resolve(name);
    try {
      if (Files.isDirectory(shots)) {
        try (Stream<Path> old = Files.list(shots)) {
          for (Path p : old.toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(shots);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeDriverService service = startService();
    try {
      return new Chromium(service, new ChromeDriver(service, options), shots);
    } catch (RuntimeException e) {
      service.stop();
      throw e;
    }
  }

  /** Runs {@code script} in every new document before the page's own scripts. */
  void onEveryPage(String script) {
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
  }

  /** Writes the page as it is now to {@code NN-name.png}. */
  void shot(String name) {
    step++;
    try {
      Files.write(shots.resolve(String.format("%02d-%s.png", step, name)), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  <T> T js(String script, Object... args) {
    return (T) ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Waits up to {@code timeout} for a non-null, non-false value; on timeout says what was awaited. */
  <T> T until(String what, Duration timeout, Function<WebDriver, T> condition) {
    WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class);
    wait.withMessage(() -> "waiting for " + what);
    return wait.until(condition);
  }

  <T> T until(String what, Function<WebDriver, T> condition) {
    return until(what, WAIT, condition);
  }

  /** The first element matching {@code css}, once there. */
  WebElement present(String css) {
    return until(css + " to be on the page", d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
  }

  /** The first element matching {@code css}, once displayed. */
  WebElement visible(String css) {
    return until(css + " to be visible", d -> d.findElements(By.cssSelector(css)).stream()
        .filter(WebElement::isDisplayed).findFirst().orElse(null));
  }

  /** Clicks the first element matching {@code css} once it is displayed and enabled, scrolled to the middle
   * of the window first so that no sticky bar covers it. */
  void click(String css) {
    WebElement element = until(css + " to be clickable", d -> d.findElements(By.cssSelector(css)).stream()
        .filter(e -> e.isDisplayed() && e.isEnabled()).findFirst().orElse(null));
    js("arguments[0].scrollIntoView({ block: 'center', inline: 'center' })", element);
    element.click();
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** A SEVERE console entry matching {@code regex} is expected by this test (a 422 the page shows, say). */
  void expectConsoleError(String regex) {
    expectedErrors.add(Pattern.compile(regex));
  }

  /** Fails on any SEVERE console entry the test did not expect; the whole console is in the message. */
  void assertNoConsoleErrors() {
    console.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
    List<LogEntry> unexpected = console.stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .filter(e -> expectedErrors.stream().noneMatch(p -> p.matcher(e.getMessage()).find()))
        .toList();
    if (!unexpected.isEmpty()) {
      throw new AssertionError("SEVERE browser console entries: " + unexpected + "\nwhole console:\n"
          + String.join("\n", console.stream().sorted(Comparator.comparingLong(LogEntry::getTimestamp))
          .map(LogEntry::toString).toList()));
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop(); // already stopped by quit, unless quit failed
    }
  }

  /** A timeout's message with what the page showed, for a wait that depends on the server. */
  static AssertionError explain(TimeoutException e, String pageSays) {
    return new AssertionError(e.getMessage() + "; the page says: " + pageSays, e);
  }
}
