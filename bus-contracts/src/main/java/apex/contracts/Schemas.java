package apex.contracts;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schemas under {@code schemas/}: the language-neutral contract. Validation answers the
 * list of problems, each naming where in the document it is, so a bad frame or message can be
 * refused with a message a person can act on.
 */
public final class Schemas {
  public static final String BASE_URI = "https://apex.dev/schemas/";

  public static final String CLIENT_FRAME = "browser/client-frame.json";
  public static final String SERVER_FRAME = "browser/server-frame.json";
  public static final String RUN_EVENT = "run/run-event.json";
  public static final String RUN_REF = "run/run-ref.json";
  public static final String START_RUN = "run/start-run.json";
  public static final String WINDOW = "stage/window.json";
  public static final String STAGE_REQUEST = "stage/stage-request.json";
  public static final String TRIAGE_RESULT = "stage/triage-result.json";
  public static final String COVERAGE = "stage/coverage.json";
  public static final String DATA_RESULT = "stage/data-result.json";
  public static final String RECOMMENDATION = "stage/recommendation.json";
  public static final String OPTIMIZER_RESULT = "stage/optimizer-result.json";
  public static final String REPORT_RESULT = "stage/report-result.json";
  /** The optional anomaly stage's answer; served from outside the JVM (docs/POLYGLOT.md). */
  public static final String ANOMALY_RESULT = "stage/anomaly-result.json";
  public static final String CREDENTIALS = "auth/credentials.json";
  public static final String TOKEN_RESPONSE = "auth/token-response.json";
  public static final String TICKET = "auth/ticket.json";
  public static final String VERIFIED_USER = "auth/verified-user.json";
  public static final String UPLOAD_SUMMARY = "usage/upload-summary.json";
  public static final String INGEST_RESULT = "usage/ingest-result.json";

  public static final List<String> ALL = List.of(WINDOW, RUN_REF, RECOMMENDATION, TRIAGE_RESULT, COVERAGE,
      DATA_RESULT, ANOMALY_RESULT, OPTIMIZER_RESULT, REPORT_RESULT, STAGE_REQUEST, START_RUN, RUN_EVENT, CLIENT_FRAME, SERVER_FRAME,
      CREDENTIALS, TOKEN_RESPONSE, TICKET, VERIFIED_USER, UPLOAD_SUMMARY, INGEST_RESULT);

  private static final Schemas INSTANCE = new Schemas();

  private final SchemaRepository repository;
  /** One validator per schema: making one copies every schema's lookup, validating with it keeps no state. */
  private final Map<String, Validator> validators = new ConcurrentHashMap<>();

  private Schemas() {
    JsonSchemaOptions options = new JsonSchemaOptions()
        .setDraft(Draft.DRAFT202012)
        .setBaseUri(BASE_URI)
        .setOutputFormat(OutputFormat.Basic);
    repository = SchemaRepository.create(options);
    for (String name : ALL) {
      repository.dereference(BASE_URI + name, JsonSchema.of(load(name)));
    }
  }

  public static Schemas get() {
    return INSTANCE;
  }

  /** The raw schema document, e.g. for serving it to other languages. */
  public static JsonObject load(String name) {
    try (InputStream in = Schemas.class.getClassLoader().getResourceAsStream("schemas/" + name)) {
      if (in == null) {
        throw new IllegalStateException("schema not on the classpath: " + name);
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Problems of {@code document} against schema {@code name}; empty when it is valid. */
  public List<String> problems(String name, Object document) {
    OutputUnit result = validators.computeIfAbsent(name, n -> repository.validator(BASE_URI + n)).validate(document);
    List<String> problems = new ArrayList<>();
    if (Boolean.TRUE.equals(result.getValid())) {
      return problems;
    }
    collect(result, problems);
    if (problems.isEmpty()) {
      problems.add("does not match " + name);
    }
    return problems;
  }

  private static void collect(OutputUnit unit, List<String> into) {
    if (unit.getErrors() != null && !unit.getErrors().isEmpty()) {
      unit.getErrors().forEach(e -> collect(e, into));
    } else if (unit.getError() != null) {
      String where = unit.getInstanceLocation() == null || unit.getInstanceLocation().isEmpty()
          ? "(root)" : unit.getInstanceLocation();
      String problem = where + ": " + unit.getError();
      if (!into.contains(problem)) {
        into.add(problem);
      }
    }
  }
}
