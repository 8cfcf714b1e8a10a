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
}

/** The backend's name in the configuration and on the runtime API. */
export const BACKEND = 'servers';

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
 * - `X-Outcry-Server` on every answer names the server that gave it.
 */
export function haproxyConfig(options: HaproxyConfigOptions): string {
  const servers = options.slots.map(
    (slot) => `  server ${slot.name} ${slot.host}:${slot.port}${slot.enabled ? '' : ' disabled'}`,
  );
  return `global
  stats socket ${options.socket} mode 600 level admin

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
  default_backend ${BACKEND}

backend ${BACKEND}
  balance roundrobin
  option httpchk GET /ready
  http-check expect status 200
  http-request disable-l7-retry if METH_POST
  http-response set-header X-Outcry-Server %s
  default-server check inter 500ms fall 2 rise 1
${servers.join('\n')}
`;
}
