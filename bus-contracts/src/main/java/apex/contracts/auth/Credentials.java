package apex.contracts.auth;

import apex.contracts.Contract;

/** Signup and login body. */
public record Credentials(String email, String password) implements Contract {}
