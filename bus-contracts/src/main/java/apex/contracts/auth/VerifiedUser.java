package apex.contracts.auth;

import apex.contracts.Contract;

import java.util.List;

/** Who a verified token or redeemed ticket belongs to; {@code expiresAt} is epoch seconds. */
public record VerifiedUser(String userId, String email, List<String> roles, long expiresAt) implements Contract {}
