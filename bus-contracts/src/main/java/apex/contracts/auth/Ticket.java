package apex.contracts.auth;

import apex.contracts.Contract;

/** A single-use WebSocket ticket and its lifetime in seconds. */
public record Ticket(String ticket, long expiresIn) implements Contract {}
