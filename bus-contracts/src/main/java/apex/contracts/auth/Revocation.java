package apex.contracts.auth;

import apex.contracts.Contract;

/** Published on logout: the access token {@code jti} of {@code userId} is no longer valid. */
public record Revocation(String userId, String jti) implements Contract {}
