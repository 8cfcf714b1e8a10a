import type { IncomingMessage } from 'node:http';

/** The pathname of an upgrade request's URL (no query). */
export function requestPath(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * The token of an upgrade request: `Authorization: Bearer <token>`, else `?token=<token>` (browsers
 * cannot set headers on a WebSocket). Null when there is none.
 */
export function readUpgradeToken(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] !== undefined) return match[1];
  }
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  if (query === -1) return null;
  const token = new URLSearchParams(url.slice(query + 1)).get('token');
  return token === null || token === '' ? null : token;
}

/** Which Origin headers an upgrade may carry: any, the server's own host, or a list. */
export type AllowedOrigins = ReadonlySet<string> | 'same-origin' | null;

/**
 * Whether the request's Origin is allowed. With no rule every origin is; `same-origin` wants the
 * Origin's host to be the request's Host (a page of this server); with a list, the origin must be
 * in it. A request without Origin is not from a browser (browsers always send it on WebSocket
 * upgrades), so cross-site hijacking does not apply and it is allowed.
 */
export function isOriginAllowed(request: IncomingMessage, origins: AllowedOrigins): boolean {
  if (origins === null) return true;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (origins !== 'same-origin') return origins.has(origin);
  const host = request.headers.host;
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
