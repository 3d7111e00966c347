package apex.contracts.auth;

import apex.contracts.Contract;

/**
 * Published when a login session ends (logout, or a refresh token presented twice): every access
 * token of session {@code sid} of {@code userId} is no longer valid.
 */
public record Revocation(String userId, String sid) implements Contract {}
