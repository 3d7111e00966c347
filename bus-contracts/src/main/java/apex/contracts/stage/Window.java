package apex.contracts.stage;

import apex.contracts.Contract;

/** An analysis window of whole UTC days, {@code from} and {@code to} inclusive (ISO dates). */
public record Window(String from, String to, int days) implements Contract {}
