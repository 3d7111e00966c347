package apex.data.demo;

import apex.data.ingest.ParsedUpload;
import apex.data.ingest.UsageFileParser;
import apex.data.usage.CatalogCost;
import apex.data.usage.UsageRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static apex.data.demo.DemoUsageGeneratorTest.CATALOG;
import static apex.data.demo.DemoUsageGeneratorTest.LAST_DAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo CSV is read back by Apex's own upload parser into exactly the generated rows. */
class UsageCsvTest {
  private static final List<UsageRecord> ROWS = new DemoUsageGenerator().generate(3, 7, 1_400, LAST_DAY, CATALOG)
      .records();
  private final UsageFileParser parser = new UsageFileParser(CatalogCost.of(CATALOG));

  private List<UsageRecord> parse(String csv) {
    List<UsageRecord> records = new ArrayList<>();
    ParsedUpload parsed = parser.parse(new StringReader(csv), "text/csv", "demo.csv", records::add);
    assertEquals(List.of(), parsed.problems());
    return records;
  }

  @Test
  void theUploadParserReadsBackEveryRowUnchanged() {
    assertEquals(ROWS, parse(UsageCsv.of(ROWS)));
  }

  @Test
  void chunksStayUnderTheLimitAndTogetherHoldEveryRowInOrder() {
    long limit = 64 * 1024;
    List<String> chunks = UsageCsv.chunks(ROWS, limit);
    assertTrue(chunks.size() > 3, "chunks: " + chunks.size());
    List<UsageRecord> back = new ArrayList<>();
    for (String chunk : chunks) {
      assertTrue(chunk.getBytes(StandardCharsets.UTF_8).length <= limit);
      back.addAll(parse(chunk));
    }
    assertEquals(ROWS, back);
    assertEquals(1, UsageCsv.chunks(ROWS, 20L * 1024 * 1024).size());
  }

  @Test
  void aLimitTooSmallForOneRowIsRefused() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> UsageCsv.chunks(ROWS, 300)).getMessage()
        .contains("300 bytes"));
  }
}
