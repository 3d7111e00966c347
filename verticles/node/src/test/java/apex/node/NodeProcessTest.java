package apex.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NodeProcessTest {

  /** A work directory used again keeps the last run's log, up line included: only this run's line counts. */
  @Test
  void anUpLineLeftInTheLogByAnEarlierRunIsNotTakenForThisOne(@TempDir Path work) throws Exception {
    Path log = work.resolve("echo.log");
    Files.writeString(log, "echo server listening on 40000\n");
    try (NodeProcess process = NodeProcess.start("echo",
        List.of("bash", "-c", "sleep 1; echo 'echo server listening on 40001'; sleep 30"), log)) {
      process.awaitUp("echo server listening on ", null, Duration.ofSeconds(20));
      assertEquals(2, Files.readAllLines(log).size(), "awaited this run's line: " + Files.readString(log));
    }
  }
}
