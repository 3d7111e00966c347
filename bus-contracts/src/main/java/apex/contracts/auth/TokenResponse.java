package apex.contracts.auth;

import apex.contracts.Contract;

/** Login answer: a bearer access token and its lifetime in seconds. */
public record TokenResponse(String accessToken, String tokenType, long expiresIn, String userId) implements Contract {}
