/** Set by server.ts from the TCP peer (overwriting anything a client sent): who is signing in, for rate limits. */
export const CLIENT_ADDRESS_HEADER = "x-warroom-client-address";
