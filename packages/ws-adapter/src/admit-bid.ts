/**
 * The embedding app's decision on one bid of `userId`: 0 when it may go ahead, else how many
 * milliseconds until it may (the client gets them as `retryAfterMs`). It sees every bid frame of
 * an authenticated user on every connection, so one limiter keyed by user (shared with the app's
 * HTTP bids, or across processes) holds however the user connects. It may answer at once or with
 * a promise; a throw or a rejection refuses the bid with UNAVAILABLE.
 */
export type AdmitBid = (userId: string) => number | Promise<number>;
