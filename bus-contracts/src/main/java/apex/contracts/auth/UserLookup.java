package apex.contracts.auth;

import apex.contracts.Contract;

/** Find a user id by email (used to seed demo data for the demo user). */
public record UserLookup(String email, String userId) implements Contract {}
