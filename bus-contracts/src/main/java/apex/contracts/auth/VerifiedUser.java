package apex.contracts.auth;

import apex.contracts.Contract;

import java.util.List;

/**
 * Who a verified token or redeemed ticket belongs to; {@code expiresAt} is the access token's expiry
 * in epoch seconds and {@code jti} its id, so a socket opened with it can be closed when it expires
 * or is revoked.
 */
public record VerifiedUser(String userId, String email, List<String> roles, long expiresAt, String jti)
    implements Contract {}
