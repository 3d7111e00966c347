package apex.contracts.auth;

import apex.contracts.Contract;

/** ws-bridge → auth: issue a WebSocket ticket for a verified user. */
public record TicketRequest(String userId, String email, long expiresAt) implements Contract {}
