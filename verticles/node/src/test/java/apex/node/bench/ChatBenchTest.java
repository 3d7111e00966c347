package apex.node.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code apex bench chat} and {@code apex bench idle}, small: a node JVM from this test's classpath,
 * three users, two runs each with a pause between them. Asserts that every figure was measured and nothing failed, never a time.
 */
class ChatBenchTest {
  @TempDir
  Path dir;

  @Test
  void smallChatLoadOnOneNodeReportsEveryFigureWithoutErrors() throws Exception {
    Path report = dir.resolve("chat.md");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int code = ChatBench.run(new PrintStream(printed, true, StandardCharsets.UTF_8), "--users", "3",
        "--runs-per-user", "2", "--think-ms", "200", "--rows-per-user", "300", "--echo-round-trips", "5",
        "--warmup-runs", "1",
        "--report", report.toString(), "--work", dir.resolve("work").toString());
    String output = printed.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, output);
    String markdown = Files.readString(report);
    assertEquals(5 * 3, count(markdown, "echo baseline: WebSocket round trip"), markdown);
    assertEquals(6, count(markdown, "user_message → run_accepted (1 node)"), markdown);
    assertEquals(6, count(markdown, "user_message → first agent_started (1 node)"), markdown);
    assertEquals(6, count(markdown, "run completion, all runs (1 node)"), markdown);
    assertTrue(count(markdown, "event delivery, `ts` → client (1 node)") >= 6 * 5, markdown);
    assertTrue(markdown.contains("6 runs completed") && markdown.contains("errors: none"), markdown);
    assertTrue(markdown.contains("a pause of 200 ms on average"), markdown);
    assertTrue(markdown.contains("the last 30 days worked out ahead for each user"), markdown);
    assertTrue(markdown.lines().anyMatch(l -> l.matches("\\| node( \\| [0-9.]+){5} \\|") && !l.contains("| 0 |")),
        "the node's heap and RSS: " + markdown);
    assertTrue(markdown.contains("first agent_started p99 at most 3× the echo p99: "), markdown);
  }

  @Test
  void badChatCommandLinesExitWithUsageBeforeStartingAnything() {
    for (List<String> args : List.of(List.of("--users", "0"), List.of("--users", "2001"), List.of("--users", "many"),
        List.of("--nodes", "2"), List.of("--rows-per-user", "10"), List.of("--runs-per-user", "0"),
        List.of("--think-ms", "-1"))) {
      assertEquals(ChatBench.EXIT_USAGE, ChatBench.run(System.out, args.toArray(String[]::new)), args.toString());
    }
  }

  @Test
  void badIdleCommandLinesExitWithUsageBeforeStartingAnything() {
    for (List<String> args : List.of(List.of("--sockets", "0"), List.of("--sockets", "20000"),
        List.of("--sockets", "5", "--users", "6"), List.of("--hold-seconds", "-1"))) {
      assertEquals(IdleBench.EXIT_USAGE, IdleBench.run(System.out, args.toArray(String[]::new)), args.toString());
    }
  }

  /** The count column of the results table's row named {@code label}. */
  private static int count(String markdown, String label) {
    return markdown.lines().filter(l -> l.startsWith("| " + label + " |")).findFirst()
        .map(l -> Integer.parseInt(l.split("\\|")[2].trim())).orElseThrow(() -> new AssertionError("no row " + label));
  }
}
