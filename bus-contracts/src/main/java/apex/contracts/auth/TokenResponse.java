package apex.contracts.auth;

import apex.contracts.Contract;

/**
 * Login, signup and refresh answer: a bearer access token and its lifetime in seconds, and an
 * opaque refresh token (single use: each refresh answers a new one) with its lifetime.
 */
public record TokenResponse(String accessToken, String tokenType, long expiresIn, String userId, String refreshToken,
                            long refreshExpiresIn) implements Contract {}
