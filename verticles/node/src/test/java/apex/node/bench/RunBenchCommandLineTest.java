package apex.node.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line of {@code apex bench run} only: nothing here starts a database or a node. */
class RunBenchCommandLineTest {

  private static RunBench parse(String... args) {
    RunBench bench = new RunBench();
    new CommandLine(bench).parseArgs(args);
    return bench;
  }

  @Test
  void defaultsAreAMillionRowsAndSevenRunsOfEachKind() {
    RunBench bench = parse();
    assertEquals(1_000_000, bench.rows);
    assertEquals(7, bench.runs);
    assertEquals(42, bench.seed);
    assertNull(bench.psql, "psql is looked up on the PATH");
    assertNull(bench.problem());
  }

  @Test
  void optionsOverrideTheDefaults() {
    RunBench bench = parse("--rows", "20000", "--runs", "3", "--seed", "7", "--psql", "/opt/pg/bin/psql",
        "--wait-seconds", "30");
    assertEquals(20_000, bench.rows);
    assertEquals(3, bench.runs);
    assertEquals(7, bench.seed);
    assertEquals(Path.of("/opt/pg/bin/psql"), bench.psql);
    assertEquals(30, bench.waitSeconds);
    assertNull(bench.problem());
  }

  @Test
  void outOfRangeValuesAreNamed() {
    assertTrue(parse("--runs", "0").problem().contains("--runs"));
    assertTrue(parse("--rows", "10").problem().contains("--rows"));
    assertTrue(parse("--rows", "6000000").problem().contains("--rows"));
    assertTrue(parse("--wait-seconds", "0").problem().contains("--wait-seconds"));
  }

  @Test
  void badCommandLinesExitWithUsageBeforeStartingAnything() {
    assertEquals(RunBench.EXIT_USAGE, RunBench.run("--runs", "0"));
    assertEquals(RunBench.EXIT_USAGE, RunBench.run("--rows", "many"));
    assertEquals(RunBench.EXIT_USAGE, RunBench.run("--no-such-option"));
  }

  @Test
  void nonNumericValuesAreRejectedByTheParser() {
    assertThrows(CommandLine.ParameterException.class, () -> parse("--runs", "seven"));
  }
}
