/** One server line of the backend: a slot a server process may run in. */
export interface ServerSlot {
  /** HAProxy's name of the server (`s1`, `s2`...). */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** False: declared in maintenance, for a process to join later. */
  readonly enabled: boolean;
}

export interface HaproxyConfigOptions {
  /** Where clients connect. */
  readonly bind: { readonly host: string; readonly port: number };
  /** The admin socket (runtime API) that puts slots in and out of service. */
  readonly socket: string;
  readonly slots: readonly ServerSlot[];
  /**
   * Bids routed to the owner of their auction's partition: the Lua file defining the
   * `outcry_partition` converter, the map file of partition -> backend (kept up to date on the
   * runtime API) and the servers' partition count. Null: every request goes round robin.
   */
  readonly ownerRoutes: { readonly luaFile: string; readonly mapFile: string; readonly partitions: number } | null;
}

/** The backend's name in the configuration and on the runtime API. */
export const BACKEND = 'servers';

/** The backend that sends to `slot` first (the others are its backups): a route's target in the owners map. */
export function ownerBackend(slot: string): string {
  return `owner-${slot}`;
}

/** What a bid's request is: its auction id is the path's third field. */
const BID_PATH = '^/auctions/[^/]+/(bids|buy-now)$';

/**
 * HAProxy's configuration for N example servers sharing one set of auctions:
 * - each request goes to the next server (`roundrobin`): every server can take any bid, since
 *   they share the auctions through Redis; a WebSocket stays on the server that took its upgrade
 *   (a tunnel, `timeout tunnel`), which is all the stickiness it needs;
 * - a server is in service while `GET /ready` answers 200 (checked every 500 ms);
 * - the client's address goes to the servers in X-Forwarded-For, set by HAProxy alone (what a
 *   client sent is dropped), so that servers trusting the balancer (TRUST_PROXY) see clients;
 * - a request that never reached a server (connection refused: a server gone) is sent to another;
 *   a POST is never sent twice otherwise, since a bid without its own bidId is not safe to replay;
 * - `X-Outcry-Server` on every answer names the server that gave it;
 * - with `ownerRoutes`, a bid goes to the server sequencing its auction's partition (looked up
 *   in the owners map; a partition not in it goes round robin), which judges it without a trip
 *   through the queue; when that server is out of service, to the others. The map only saves
 *   work: a bid sent anywhere is still judged by the owner, through the queue.
 */
export function haproxyConfig(options: HaproxyConfigOptions): string {
  const servers = options.slots.map(
    (slot) => `  server ${slot.name} ${slot.host}:${slot.port}${slot.enabled ? '' : ' disabled'}`,
  );
  const routes = options.ownerRoutes;
  return `global
  stats socket ${options.socket} mode 600 level admin
${routes === null ? '' : `  lua-load ${routes.luaFile}\n`}
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 10s
  timeout tunnel 1h
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout 503

frontend outcry
  bind ${options.bind.host}:${options.bind.port}
  http-request del-header X-Forwarded-For
  option forwardfor
${routes === null ? '' : ownerRouting(routes)}  default_backend ${BACKEND}

backend ${BACKEND}
  balance roundrobin
  option httpchk GET /ready
  http-check expect status 200
  http-request disable-l7-retry if METH_POST
  http-response set-header X-Outcry-Server %s
  default-server check inter 500ms fall 2 rise 1
${servers.join('\n')}
${routes === null ? '' : options.slots.map((slot) => ownerBackendConfig(slot, options.slots)).join('')}`;
}

function ownerRouting(routes: NonNullable<HaproxyConfigOptions['ownerRoutes']>): string {
  return `  acl bid_path path_reg ${BID_PATH}
  http-request set-var(txn.owner) path,field(3,/),lua.outcry_partition(${routes.partitions}),map(${routes.mapFile}) if METH_POST bid_path
  use_backend %[var(txn.owner)] if { var(txn.owner) -m found }
`;
}

/** `slot` first, the others as backups; each follows its twin in the main backend (health and maintenance). */
function ownerBackendConfig(slot: ServerSlot, slots: readonly ServerSlot[]): string {
  const servers = [slot, ...slots.filter((other) => other !== slot)].map(
    (server, i) =>
      `  server ${server.name} ${server.host}:${server.port} track ${BACKEND}/${server.name}${i === 0 ? '' : ' backup'}`,
  );
  return `
backend ${ownerBackend(slot.name)}
  http-request disable-l7-retry if METH_POST
  http-response set-header X-Outcry-Server %s
${servers.join('\n')}
`;
}
