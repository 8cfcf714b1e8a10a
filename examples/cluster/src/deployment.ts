import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Balancer } from './balancer.js';
import { freePort } from './free-port.js';
import type { ServerSlot } from './haproxy-config.js';
import { LocalRedisCluster } from './local-redis-cluster.js';
import { OwnerRoutes, ownedPartitions } from './owner-routes.js';
import type { LineLog } from './processes.js';
import { ServerProcess } from './server-process.js';

/** Where the servers keep their auctions. */
export type RedisChoice =
  | { readonly kind: 'url'; readonly url: string }
  /** An existing Redis Cluster: seed nodes `host:port,...`. */
  | { readonly kind: 'cluster'; readonly nodes: string }
  /** A Redis Cluster of this many masters, started (and stopped) with the deployment. */
  | { readonly kind: 'local-cluster'; readonly masters: number };

export interface DeploymentOptions {
  /** Server processes to start with. */
  readonly servers: number;
  /** Further slots in the balancer, out of service until a server joins in one. */
  readonly spare: number;
  /** Where the balancer listens; port 0: a free port. */
  readonly bind: { readonly host: string; readonly port: number };
  readonly redis: RedisChoice;
  /** Environment of every server on top of this process's (and of the deployment's defaults). */
  readonly env?: Readonly<Record<string, string>>;
  readonly log: LineLog;
  /**
   * Run every process in a process group of its own (true), so that a terminal's Ctrl-C reaches
   * this process alone and it stops the others in order (the command does); false leaves them in
   * this process's group, where the terminal's signals reach them too.
   */
  readonly ownProcessGroups?: boolean;
  /**
   * `owner` (the default): the balancer sends each bid to the server that owns its auction's
   * partition, asking the servers every 500 ms which they own; `any`: every request round robin,
   * each bid forwarded through the queue when it reaches a server that does not own it.
   */
  readonly routeBids?: 'owner' | 'any';
}

/** How long a leaving server's open sessions may take to finish before it is told to stop. */
const DRAIN_MS = 3_000;

/**
 * N example server processes (STORE=redis) behind HAProxy, each in a slot of the balancer's
 * backend. A server joins by starting in a free slot and being put in service once `/ready`
 * answers; it leaves by being taken out of service, given its open requests' time, then stopped
 * with SIGTERM (it drains what it took). Nothing accepted is lost either way: the auctions,
 * their ledgers and the waiting bids are in Redis.
 */
export class Deployment {
  /** The balancer's address: where clients connect. */
  readonly url: string;
  readonly slots: readonly ServerSlot[];
  readonly balancer: Balancer;
  /** The Redis Cluster started with the deployment, if any. */
  readonly redisCluster: LocalRedisCluster | null;
  readonly #servers = new Map<string, ServerProcess>();
  readonly #env: Readonly<Record<string, string>>;
  readonly #log: LineLog;
  readonly #folder: string;
  readonly #detached: boolean;
  readonly #ownerRoutes: OwnerRoutes | null;
  /** Kills what is left if this process exits before `stop()`. */
  readonly #killOnExit = () => this.kill();

  private constructor(args: {
    url: string;
    slots: ServerSlot[];
    balancer: Balancer;
    redisCluster: LocalRedisCluster | null;
    servers: ServerProcess[];
    env: Record<string, string>;
    log: LineLog;
    folder: string;
    detached: boolean;
    routeBids: 'owner' | 'any';
  }) {
    this.url = args.url;
    this.slots = args.slots;
    this.balancer = args.balancer;
    this.redisCluster = args.redisCluster;
    for (const server of args.servers) this.#servers.set(server.name, server);
    this.#env = args.env;
    this.#log = args.log;
    this.#folder = args.folder;
    this.#detached = args.detached;
    this.#ownerRoutes =
      args.routeBids === 'owner'
        ? new OwnerRoutes(
            this.balancer,
            () => this.servers,
            (error) => this.#log.say(`owner routes not updated: ${(error as Error).message}`),
          )
        : null;
    process.once('exit', this.#killOnExit);
  }

  /** The server processes running now. */
  get servers(): ServerProcess[] {
    return [...this.#servers.values()].filter((server) => server.running);
  }

  static async start(options: DeploymentOptions): Promise<Deployment> {
    const { log } = options;
    const detached = options.ownProcessGroups ?? true;
    const folder = mkdtempSync(join(tmpdir(), 'outcry-cluster-'));
    const port = options.bind.port === 0 ? await freePort(options.bind.host) : options.bind.port;
    const slots: ServerSlot[] = [];
    for (let i = 0; i < options.servers + options.spare; i++)
      slots.push({ name: `s${i + 1}`, host: '127.0.0.1', port: await freePort(), enabled: i < options.servers });
    let redisCluster: LocalRedisCluster | null = null;
    const servers: ServerProcess[] = [];
    let balancer: Balancer | null = null;
    try {
      if (options.redis.kind === 'local-cluster')
        redisCluster = await LocalRedisCluster.start(options.redis.masters, log, detached);
      const env = serverEnv(options, redisCluster);
      log.say(
        `starting ${options.servers} server${options.servers === 1 ? '' : 's'} (STORE=redis, ${describeRedis(env)})`,
      );
      const started = await Promise.allSettled(
        slots
          .filter((slot) => slot.enabled)
          .map((slot) => ServerProcess.start(slot.name, slot.port, env, log, detached)),
      );
      for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
      const failed = started.find((result) => result.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      const routeBids = options.routeBids ?? 'owner';
      const ownerRoutes =
        routeBids === 'owner' ? { partitions: (await ownedPartitions(servers[0] as ServerProcess)).total } : null;
      balancer = await Balancer.start(
        folder,
        { bind: { host: options.bind.host, port }, slots, ownerRoutes },
        log,
        detached,
      );
      for (const slot of slots.filter((s) => s.enabled)) await balancer.waitFor(slot.name, 'UP');
      const url = `http://${options.bind.host.includes(':') ? `[${options.bind.host}]` : options.bind.host}:${port}`;
      const deployment = new Deployment({
        url,
        slots,
        balancer,
        redisCluster,
        servers,
        env,
        log,
        folder,
        detached,
        routeBids,
      });
      await deployment.#ownerRoutes?.start();
      return deployment;
    } catch (error) {
      await Promise.all(servers.map((server) => server.kill()));
      await balancer?.stop(0);
      await redisCluster?.stop();
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
  }

  /** Starts a server in a free slot and puts it in service once HAProxy sees it ready. */
  async startServer(): Promise<ServerProcess> {
    const slot = this.slots.find((s) => !(this.#servers.get(s.name)?.running ?? false));
    if (slot === undefined) throw new Error(`every slot (${this.slots.length}) has a server: start with more --spare`);
    this.#servers.delete(slot.name);
    const server = await ServerProcess.start(slot.name, slot.port, this.#env, this.#log, this.#detached);
    this.#servers.set(slot.name, server);
    await this.balancer.setState(slot.name, 'ready');
    await this.balancer.waitFor(slot.name, 'UP');
    this.#log.say(`${slot.name} joined (pid ${server.pid}, port ${slot.port})`);
    return server;
  }

  /** Takes a server out of service, lets its open requests finish, then stops it (it drains what it took). */
  async stopServer(name: string): Promise<void> {
    const server = this.#servers.get(name);
    if (server === undefined || !server.running) throw new Error(`no server runs in slot ${name}`);
    await this.balancer.setState(name, 'maint');
    const deadline = Date.now() + DRAIN_MS;
    while (Date.now() < deadline) {
      const slot = (await this.balancer.slots()).find((s) => s.name === name);
      if (slot === undefined || slot.sessions === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await server.stop();
    this.#log.say(`${name} left (pid ${server.pid})`);
  }

  /** Stops everything in order: servers out of service and drained, then HAProxy, then the Redis Cluster it started. */
  async stop(): Promise<void> {
    process.off('exit', this.#killOnExit);
    await this.#ownerRoutes?.stop();
    const running = this.servers;
    await Promise.all(running.map((server) => this.balancer.setState(server.name, 'maint').catch(() => undefined)));
    await Promise.all(running.map((server) => server.stop()));
    await this.balancer.stop();
    await this.redisCluster?.stop();
    rmSync(this.#folder, { recursive: true, force: true });
  }

  /** Ends every process at once: for a launcher that is exiting anyway. */
  kill(): void {
    process.off('exit', this.#killOnExit);
    void this.#ownerRoutes?.stop();
    for (const server of this.#servers.values()) if (server.running) void server.kill();
    this.balancer.kill();
    this.redisCluster?.kill();
    rmSync(this.#folder, { recursive: true, force: true });
  }
}

/** Every server's environment: the deployment's defaults, this process's, then the options'. */
function serverEnv(options: DeploymentOptions, cluster: LocalRedisCluster | null): Record<string, string> {
  const env: Record<string, string> = {
    STORE: 'redis',
    // One secret for every server: a token from one is good on all.
    AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString('base64url'),
    // HAProxy connects from here and sets X-Forwarded-For itself: the servers believe it alone.
    TRUST_PROXY: process.env.TRUST_PROXY ?? '127.0.0.1',
    // Request lines of N servers would drown the terminal; start-up, warnings and errors remain.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  if (options.redis.kind === 'url') env.REDIS_URL = options.redis.url;
  else env.REDIS_CLUSTER_NODES = options.redis.kind === 'cluster' ? options.redis.nodes : (cluster?.nodes ?? '');
  // Bids go to their partition's owner, so the servers' shares of the partitions are their shares
  // of the bids: 12 shares evenly over 1, 2, 3, 4 or 6 servers (and over 3 Cluster masters), where
  // the server's default, 4, gives three servers 2, 1 and 1.
  env.PARTITIONS = process.env.PARTITIONS ?? '12';
  return { ...env, ...options.env };
}

function describeRedis(env: Record<string, string>): string {
  if (env.REDIS_CLUSTER_NODES !== undefined)
    return `Redis Cluster ${env.REDIS_CLUSTER_NODES}, ${env.PARTITIONS} partitions`;
  try {
    const url = new URL(env.REDIS_URL ?? '');
    if (url.password !== '') url.password = '***';
    return `Redis ${url.toString()}, ${env.PARTITIONS} partitions`;
  } catch {
    return 'Redis (unparsable REDIS_URL)';
  }
}
