package apex.contracts.auth;

import apex.contracts.Contract;

/** ws-bridge → auth: end the session of a verified access token and its refresh family. */
public record Logout(VerifiedUser user, String refreshToken) implements Contract {}
