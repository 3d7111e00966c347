package apex.data.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The usage fields an upload can fill, each with the column names (normalised, see {@link #normalise})
 * that mean it in the exports we know. Earlier aliases win when a file has several columns for one field.
 * docs/USAGE-FORMATS.md lists every alias with the system it comes from; keep the two in step.
 */
enum Field {
  TS("ts", "ts", "timestamp", "time", "createdat", "created", "starttime", "requestcreatedat", "starttimeiso",
      "aggregationtimestamp", "date"),
  PROVIDER("provider", "provider", "customllmprovider", "modelprovider", "providername"),
  MODEL("model", "model", "modelname", "requestmodel", "responsemodel", "modelid", "snapshotid"),
  FEATURE("feature", "feature", "tag", "featuretag", "app", "application", "metadatafeature", "metadatatag",
      "tags", "metadatatags", "requesttags", "tracename", "userapikeyalias"),
  REQUEST_ID("request_id", "requestid", "id", "callid", "traceid", "responseid"),
  INPUT_TOKENS("input_tokens", "inputtokens", "prompttokens", "usageinput", "usageprompttokens", "usageinputtokens",
      "ncontexttokenstotal", "inputtokenscount"),
  OUTPUT_TOKENS("output_tokens", "outputtokens", "completiontokens", "usageoutput", "usagecompletiontokens",
      "usageoutputtokens", "ngeneratedtokenstotal"),
  CACHED_INPUT_TOKENS("cached_input_tokens", "cachedinputtokens", "cachedtokens", "prompttokensdetailscachedtokens",
      "usageprompttokensdetailscachedtokens", "usagepromptdetailscachedtokens", "ncachedcontexttokenstotal",
      "inputcachedtokens", "cachereadinputtokens", "usagecachereadinputtokens"),
  CACHE_WRITE_TOKENS("cache_write_tokens", "cachewritetokens", "cachecreationinputtokens",
      "usagecachecreationinputtokens"),
  REASONING_TOKENS("reasoning_tokens", "reasoningtokens", "completiontokensdetailsreasoningtokens",
      "usagecompletiontokensdetailsreasoningtokens"),
  LATENCY_MS("latency_ms", "latencyms", "responsetimems", "durationms", "delayms", "latency"),
  STATUS("status", "status", "statuscode", "responsestatus", "level", "success"),
  FINISH_REASON("finish_reason", "finishreason", "stopreason"),
  MAX_TOKENS("max_tokens", "maxtokens", "maxoutputtokens", "maxcompletiontokens"),
  PROMPT_HASH("prompt_hash", "prompthash", "prompthashsha256", "prompthashmd5"),
  BATCH("batch", "batch", "isbatch"),
  END_USER("end_user", "enduser", "user", "userid", "enduserid", "requestuserid"),
  COST_USD("cost_usd", "costusd", "cost", "spend", "totalcost", "calculatedtotalcost", "usd");

  /** Aliases whose value may be a list (a JSON array or "a,b"): the first element is the feature. */
  static final Set<String> LIST_ALIASES = Set.of("tags", "metadatatags", "requesttags");
  /** Anthropic's own cache columns: their presence means input_tokens excludes cache reads and writes. */
  static final Set<String> ANTHROPIC_CACHE_ALIASES = Set.of("cachereadinputtokens", "usagecachereadinputtokens",
      "cachecreationinputtokens", "usagecachecreationinputtokens");
  /** The ambiguous latency column, read as seconds or milliseconds depending on the whole file. */
  static final String BARE_LATENCY = "latency";

  private static final Map<String, Field> BY_ALIAS = new HashMap<>();
  private static final Map<String, Integer> RANK = new HashMap<>();

  static {
    for (Field field : values()) {
      for (int i = 0; i < field.aliases.size(); i++) {
        Field clash = BY_ALIAS.put(field.aliases.get(i), field);
        if (clash != null) {
          throw new IllegalStateException("alias " + field.aliases.get(i) + " of " + field + " and " + clash);
        }
        RANK.put(field.aliases.get(i), i);
      }
    }
  }

  /** The name of the field in {@code usage_records} and in {@link ParsedUpload#columns()}. */
  final String column;
  final List<String> aliases;

  Field(String column, String... aliases) {
    this.column = column;
    this.aliases = List.of(aliases);
  }

  /** The field a normalised column name means, or null. */
  static Field forAlias(String normalised) {
    return BY_ALIAS.get(normalised);
  }

  /** Position of the alias in its field's list: lower wins. */
  static int rank(String normalised) {
    return RANK.get(normalised);
  }

  /** Lower-case letters and digits only: {@code prompt_tokens}, {@code promptTokens}, {@code Prompt Tokens} are one name. */
  static String normalise(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        out.append(Character.toLowerCase(c));
      }
    }
    return out.toString();
  }
}
