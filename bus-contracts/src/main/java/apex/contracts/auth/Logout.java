package apex.contracts.auth;

import apex.contracts.Contract;

/** ws-bridge → auth: end the login session of a verified access token. */
public record Logout(VerifiedUser user) implements Contract {}
