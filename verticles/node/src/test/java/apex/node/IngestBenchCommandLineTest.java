package apex.node;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code apex bench ingest} reads its options, and refuses unbounded ones before starting anything. */
class IngestBenchCommandLineTest {

  private static IngestBench parse(String... args) {
    CommandLine.ParseResult result = ApexNode.commandLine().parseArgs(args);
    return (IngestBench) result.subcommand().commandSpec().userObject();
  }

  @Test
  void defaultsToAMillionRowsAndThreeRuns() {
    IngestBench bench = parse("bench-ingest");
    assertEquals(1_000_000, bench.rows);
    assertEquals(3, bench.runs);
    IngestBench small = parse("bench-ingest", "--rows", "5000", "--runs", "5");
    assertEquals(5000, small.rows);
    assertEquals(5, small.runs);
  }

  @Test
  void outOfRangeRowsOrRunsExit2() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertEquals(2, ApexNode.commandLine().execute("bench-ingest", "--rows", "0"));
      assertEquals(2, ApexNode.commandLine().execute("bench-ingest", "--runs", "21"));
      assertEquals(2, ApexNode.commandLine().execute("bench-ingest", "--rows", "lots"));
    } finally {
      System.setErr(original);
    }
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--rows must be 1..10000000"), err.toString());
  }

  @Test
  void reportsTheMedianRun() {
    assertEquals(2.0, IngestBench.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, IngestBench.median(List.of(4.0, 1.0, 2.0, 3.0)));
  }
}
