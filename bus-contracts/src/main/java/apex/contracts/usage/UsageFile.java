package apex.contracts.usage;

import apex.contracts.Contract;

/** ws-bridge → data: a usage file a user uploaded, as text. {@code contentType} and {@code filename} may be null. */
public record UsageFile(String userId, String filename, String contentType, String content) implements Contract {}
