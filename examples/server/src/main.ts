import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { buildApp } from './build-app.js';
import { ConfigError, loadConfig, type ServerConfig } from './config.js';
import { listenFailure, startLogger } from './start-up-messages.js';

/** A shutdown that takes longer than this ends the process anyway. */
const SHUTDOWN_LIMIT_MS = 20_000;

function readConfig(): ServerConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** One server process: build, listen, and shut down gracefully on SIGTERM/SIGINT. */
async function runServer(config: ServerConfig, workerIndex: number | null): Promise<void> {
  // With several workers, only the first runs the demo floor: one set of demo lots, not N.
  const effective = workerIndex !== null && workerIndex > 0 ? { ...config, demo: false } : config;
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp(effective, { logger: startLogger(config, process.stdout.isTTY === true) });
  } catch (error) {
    console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    console.error(
      `Cannot start: ${listenFailure(error, config) ?? (error instanceof Error ? error.message : String(error))}`,
    );
    await app.close().catch(() => undefined);
    process.exit(1);
  }
  const worker = workerIndex === null ? '' : `, worker ${workerIndex}`;
  app.log.info(`Outcry live auctions at ${address}/ (STORE=${config.store}${worker}; API docs at ${address}/docs)`);
  app.log.debug(
    { demo: effective.demo, devLogin: config.devLogin, admin: config.adminToken !== null },
    'configuration',
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      // A terminal's Ctrl-C reaches the workers and the primary, which forwards it: not "again".
      if (workerIndex !== null) return;
      app.log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    app.log.info(`${signal}: stopping intake, draining accepted bids`);
    const limit = setTimeout(() => {
      app.log.error('shutdown took too long: exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    limit.unref();
    // fastify.close stops accepting connections and lets requests in flight finish; its onClose
    // hook then stops the house (every waiting caller answered) and closes the stores.
    app.close().then(
      () => {
        app.log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** The primary of WORKERS=N: forks the workers, restarts crashed ones, forwards shutdown. */
function runPrimary(config: ServerConfig): void {
  // Every worker must accept every token: they share one secret (random unless configured).
  process.env.AUTH_SECRET ??= randomBytes(32).toString('base64url');
  let stopping = false;
  const fork = (index: number) => {
    const worker = cluster.fork({ OUTCRY_WORKER_INDEX: String(index) });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      console.error(`worker ${index} (pid ${worker.process.pid}) exited (${signal ?? code}); starting another`);
      setTimeout(() => fork(index), 1_000);
    });
  };
  console.log(`Outcry: ${config.workers} workers sharing STORE=${config.store} on ${config.host}:${config.port}`);
  for (let i = 0; i < config.workers; i++) fork(i);
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    const limit = setTimeout(() => process.exit(1), SHUTDOWN_LIMIT_MS + 2_000);
    limit.unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

const config = readConfig();
if (config.workers > 1 && cluster.isPrimary) {
  runPrimary(config);
} else {
  const index = process.env.OUTCRY_WORKER_INDEX;
  await runServer(config, index === undefined ? null : Number(index));
}
