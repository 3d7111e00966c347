package apex.contracts.auth;

import apex.contracts.Contract;

import java.util.List;

/**
 * Who a verified token or redeemed ticket belongs to; {@code expiresAt} is the access token's expiry
 * in epoch seconds, {@code jti} its id and {@code sid} the login session it was issued in, so a
 * socket opened with it can be closed when it expires or its session is revoked.
 */
public record VerifiedUser(String userId, String email, List<String> roles, long expiresAt, String jti, String sid)
    implements Contract {}
