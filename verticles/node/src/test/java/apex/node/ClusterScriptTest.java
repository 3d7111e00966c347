package apex.node;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/apex cluster} refuses a bad command line with exit 2 and says why, before it
 * builds or starts anything (the nodes themselves are exercised in docs/CLUSTER.md).
 */
class ClusterScriptTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--nodes 0                          | --nodes must be 1 to 9, got '0'",
      "--nodes x                          | --nodes must be 1 to 9",
      "--roles all                        | --nodes must be 1 to 9, got ''",
      "--nodes 2 --roles all;optimiser    | unknown role 'optimiser' for node 2",
      "--nodes 1 --roles all;data         | --roles names 2 nodes but --nodes is 1",
      "--nodes 2 --verbose                | unknown option '--verbose'",
  })
  void refusesABadCommandLineWithExit2(String arguments, String message) throws IOException, InterruptedException {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("scripts/apex"))) {
      root = root.getParent();
    }
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("scripts/apex").toString(), "cluster"));
    command.addAll(Arrays.asList(arguments.trim().split("\\s+")));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, process.waitFor(), output);
    assertTrue(output.contains(message), output);
    assertTrue(!output.contains("building"), "nothing was built: " + output);
  }
}
