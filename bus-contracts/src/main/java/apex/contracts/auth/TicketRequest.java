package apex.contracts.auth;

import apex.contracts.Contract;

/** ws-bridge → auth: issue a WebSocket ticket for the user of a verified access token. */
public record TicketRequest(VerifiedUser user) implements Contract {}
