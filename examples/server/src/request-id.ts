import type { IncomingMessage } from 'node:http';

/** What a client's own X-Request-Id may be to appear in the logs: short, and nothing to escape. */
const CLIENT_ID = /^[\w.:@/+=-]{1,64}$/;

let served = 0;

/**
 * The id of a request in every log line: the client's X-Request-Id when it is a short plain
 * token (for tracing across services), else one of ours. A header of any other shape is never
 * logged, so no client can fill the logs or forge lines through it.
 */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  if (typeof given === 'string' && CLIENT_ID.test(given)) return given;
  served = (served + 1) % Number.MAX_SAFE_INTEGER;
  return `req-${served.toString(36)}`;
}
