package apex.node;

import apex.runtime.pricing.CatalogFolder;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code apex pricing import}: exit codes, what it prints, and that only a valid, non-dry run writes. */
class PricingCommandTest {
  @TempDir
  Path dir;

  private Path snapshot;
  private byte[] before;

  @BeforeEach
  void copyTheCatalog() throws IOException {
    snapshot = CatalogFolder.copyInto(dir);
    before = Files.readAllBytes(snapshot);
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    try {
      int exit = ApexNode.commandLine().execute(args);
      return new Run(exit, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private Path newer(String name, String text) throws IOException {
    Path file = Files.createTempDirectory(dir.getParent(), "new").resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private String withExtraModel() {
    JsonObject json = new JsonObject(new String(before, StandardCharsets.UTF_8));
    json.getJsonArray("providers").getJsonObject(0).getJsonArray("models").add(new JsonObject()
        .put("id", "gpt-next").put("match", new JsonObject().put("equals", "gpt-next"))
        .put("prices", new JsonObject().put("input_mtok", 1).put("output_mtok", 2)));
    return json.encode();
  }

  @Test
  void usageMistakesExit2AndWriteNothing() throws IOException {
    assertEquals(2, run("pricing").exit());
    Run noFile = run("pricing", "import", "--dir", dir.toString());
    assertEquals(2, noFile.exit());
    assertTrue(noFile.err().contains("Missing required parameter: 'FILE'"), noFile.err());
    Run missing = run("pricing", "import", dir.resolve("nope.json").toString(), "--dir", dir.toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("cannot read"), missing.err());
    Path file = newer("genai-prices.json", withExtraModel());
    Run notACatalog = run("pricing", "import", file.toString(), "--dir", dir.resolve("elsewhere").toString());
    assertEquals(2, notACatalog.exit());
    assertTrue(notACatalog.err().contains("is not a pricing catalog"), notACatalog.err());
    assertArrayEquals(before, Files.readAllBytes(snapshot));
  }

  @Test
  void invalidDataExits1NamingTheProblem() throws IOException {
    Run refused = run("pricing", "import", newer("prices.json", "{\"source\":\"x\"}").toString(), "--dir", dir.toString());
    assertEquals(1, refused.exit());
    assertTrue(refused.err().contains("refused, the catalog is unchanged"), refused.err());
    assertTrue(refused.err().contains("missing top-level key 'units'"), refused.err());
    assertArrayEquals(before, Files.readAllBytes(snapshot));
  }

  @Test
  void dryRunPrintsTheChangesThenARealRunWritesThem() throws IOException {
    Path file = newer("genai-prices.json", withExtraModel());
    Run dry = run("pricing", "import", file.toString(), "--dir", dir.toString(), "--dry-run");
    assertEquals(0, dry.exit(), dry.err());
    assertTrue(dry.out().contains("(1 added, 0 removed, 0 price changed)"), dry.out());
    assertTrue(dry.out().contains("models added: openai/gpt-next"), dry.out());
    assertTrue(dry.out().contains("dry run: nothing written"), dry.out());
    assertArrayEquals(before, Files.readAllBytes(snapshot));

    Run real = run("pricing", "import", file.toString(), "--dir", dir.toString());
    assertEquals(0, real.exit(), real.err());
    assertTrue(real.out().contains("restart running nodes"), real.out());
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(snapshot));
  }
}
