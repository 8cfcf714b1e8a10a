import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Which proxies in front of the server are believed when they name the client in
 * X-Forwarded-For: none (false), every one (true), that many hops, or the given addresses and
 * CIDR ranges. It is Fastify's `trustProxy`, so `request.ip`, the per-address limits and the
 * request logs follow it.
 */
export type TrustProxy = boolean | number | readonly string[];

/** Fastify's `trustProxy` for a TRUST_PROXY value. */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'boolean') return trust;
  if (typeof trust === 'number') {
    // Fastify takes a bare number as "trust nobody" (it cannot check the peer): hops are asked for here.
    const hops = trust;
    return (_address, hop) => hop < hops;
  }
  return [...trust];
}

/** Ranges proxy-addr (Fastify's) knows by name. */
const NAMED_RANGES: ReadonlySet<string> = new Set(['loopback', 'linklocal', 'uniquelocal']);

const MAX_HOPS = 64;

/** An IP address, an address with a prefix length (CIDR), or a named range. */
function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: off when unset, empty, `false`/`off`/`no` or `0`; `true`/`on`/`yes` for every
 * proxy; a whole number for that many hops; else a comma-separated list of addresses, CIDRs and
 * `loopback`, `linklocal`, `uniquelocal`.
 */
export const trustProxySchema = z
  .string()
  .trim()
  .default('')
  .transform((value, ctx): TrustProxy => {
    const word = value.toLowerCase();
    if (['', 'false', 'off', 'no', '0'].includes(word)) return false;
    if (['true', 'on', 'yes'].includes(word)) return true;
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops <= MAX_HOPS) return hops;
      ctx.addIssue({ code: 'custom', message: `at most ${MAX_HOPS} hops` });
      return z.NEVER;
    }
    const entries = value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const bad = entries.filter((entry) => !isAddressOrRange(entry));
    if (bad.length === 0) return entries;
    ctx.addIssue({
      code: 'custom',
      message: `true, a hop count, or addresses and CIDRs (or loopback, linklocal, uniquelocal); not ${bad.join(', ')}`,
    });
    return z.NEVER;
  });
