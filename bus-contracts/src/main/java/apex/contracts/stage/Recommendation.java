package apex.contracts.stage;

import apex.contracts.Contract;

import java.util.List;

/**
 * One priced lever. {@code confidence}, {@code effort} and {@code risk} are {@code low},
 * {@code medium} or {@code high}; {@code monthlySavingsUsd} is what this lever saves on what the
 * levers before it left.
 */
public record Recommendation(String id, String lever, String title, String evidence, double monthlySavingsUsd,
                             String confidence, String effort, String risk, List<String> steps) implements Contract {}
