package apex.node;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad command line or configuration exits 2 before anything starts, naming every problem. */
class LauncherCommandLineTest {

  private static String run(int expectedExit, String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertEquals(expectedExit, ApexNode.commandLine().execute(args));
    } finally {
      System.setErr(original);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void badConfigurationListsEveryProblemAndExits2() {
    String err = run(2, "up", "--set", "http.port=eighty", "--set", "runs.timeout_ms=0", "--set", "nope.x=1");
    assertTrue(err.contains("3 problem(s)"), err);
    assertTrue(err.contains("http.port: must be a whole number"), err);
    assertTrue(err.contains("runs.timeout_ms: must be greater than 0"), err);
    assertTrue(err.contains("nope.x: unknown setting"), err);
    assertFalse(err.contains("Exception"), "no stack trace: " + err);
  }

  @Test
  void unknownVerticleAndBadInstancesExit2() {
    assertTrue(run(2, "node", "--verticles", "triage,dta").contains("unknown verticle(s) [dta]"));
    assertTrue(run(2, "node", "--instances", "0").contains("--instances must be between 1 and 64"));
    assertTrue(run(2, "node", "--bogus").contains("Unknown option"));
  }

  @Test
  void prodRefusesDevDefaults() {
    String err = run(2, "up", "--profile", "prod");
    assertTrue(err.contains("pg.url: missing"), err);
    assertTrue(err.contains("auth.jwt_secret: missing"), err);
  }

  @Test
  void everyVerticleInstanceHasEventLoopsOfItsOwnWithinBounds() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(Math.max(2 * cores, 16), NodeLauncher.eventLoops(8), "the one-node layout: 8 verticles");
    assertEquals(2 * cores, NodeLauncher.eventLoops(Math.min(1, cores)), "never fewer than Vert.x's default");
    assertEquals(64, NodeLauncher.eventLoops(8 * 64), "--instances 64 on every verticle");
  }
}
