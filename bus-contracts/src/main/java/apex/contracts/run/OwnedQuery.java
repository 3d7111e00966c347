package apex.contracts.run;

import apex.contracts.Contract;

/** A read scoped to its owner: {@code id} is a thread or run id, answered only for {@code userId}. */
public record OwnedQuery(String userId, String id) implements Contract {}
