package apex.contracts.auth;

import apex.contracts.Contract;

/** A bearer token or a WebSocket ticket to verify or redeem. */
public record TokenCheck(String token) implements Contract {}
