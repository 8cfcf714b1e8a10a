import type { Balancer } from './balancer.js';
import type { ServerProcess } from './server-process.js';

/** How often the servers are asked which partitions they own: leases move when servers join or leave. */
const REFRESH_MS = 500;
/** A server that does not answer this fast keeps its routes until the next round. */
const ASK_TIMEOUT_MS = 1_000;

interface OwnedPartitions {
  readonly total: number;
  readonly owned: readonly number[];
}

/** Asks a server (directly, not through the balancer) which partitions its house owns now. */
export async function ownedPartitions(server: ServerProcess): Promise<OwnedPartitions> {
  const response = await fetch(`http://127.0.0.1:${server.port}/partitions`, {
    signal: AbortSignal.timeout(ASK_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`${server.name} answered GET /partitions with ${response.status}`);
  return (await response.json()) as OwnedPartitions;
}

/**
 * Keeps the balancer's owner routes on the servers' leases: every REFRESH_MS each running server
 * says which partitions it owns, and each partition is routed to its owner. A partition whose
 * owner did not answer keeps its route (the balancer's health check takes a dead server out);
 * one nobody owns goes round robin. A stale route costs a trip through the queue, never a bid.
 */
export class OwnerRoutes {
  readonly #balancer: Balancer;
  readonly #servers: () => readonly ServerProcess[];
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | null = null;
  #refreshing: Promise<void> = Promise.resolve();

  constructor(balancer: Balancer, servers: () => readonly ServerProcess[], onError: (error: unknown) => void) {
    this.#balancer = balancer;
    this.#servers = servers;
    this.#onError = onError;
  }

  /** Routes once now, then every REFRESH_MS until `stop`. */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => {
      this.#refreshing = this.#refreshing.then(() => this.refresh().catch(this.#onError));
    }, REFRESH_MS);
    this.#timer.unref();
  }

  /** Asks every running server and brings the balancer's routes in line. */
  async refresh(): Promise<void> {
    const servers = this.#servers();
    const answers = await Promise.allSettled(servers.map(ownedPartitions));
    const routes = new Map<number, string>();
    const silent = new Set<string>();
    answers.forEach((answer, i) => {
      const name = (servers[i] as ServerProcess).name;
      if (answer.status === 'rejected') silent.add(name);
      else for (const partition of answer.value.owned) routes.set(partition, name);
    });
    for (const [partition, slot] of this.#balancer.routes)
      if (silent.has(slot) && !routes.has(partition)) routes.set(partition, slot);
    await this.#balancer.setRoutes(routes);
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#refreshing;
  }
}
