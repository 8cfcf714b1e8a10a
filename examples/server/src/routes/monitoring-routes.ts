import type { HouseHealth } from '@outcry/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { RETRY_AFTER_SECONDS } from '../http-errors.js';

const CHECK_TIMEOUT_MS = 2_000;

/** The house's check: 'ok', or what keeps it from taking and judging commands. */
function houseCheck(health: HouseHealth): string {
  if (health.state !== 'running') return health.state;
  const [first] = health.failing;
  if (first === undefined) return 'ok';
  const where = first.partition === null ? '' : ` of partition ${first.partition}`;
  return `${first.dependency} failing (${first.operation}${where}, ${first.failures} times): ${first.lastError.message}`;
}

/** Liveness, readiness of every dependency, and Prometheus metrics. */
export function registerMonitoringRoutes(app: FastifyInstance, context: AppContext): void {
  app.get('/health', async () => ({ status: 'ok', uptimeMs: Date.now() - context.startedAt }));

  app.get('/ready', async (request, reply) => {
    const checks: Record<string, string> = {};
    const health = context.house.health();
    checks.house = houseCheck(health);
    await Promise.all(
      context.checks.map(async ({ name, check }) => {
        checks[name] = await withTimeout(check(), CHECK_TIMEOUT_MS).then(
          () => 'ok',
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        );
      }),
    );
    const failing = Object.entries(checks).filter(([, result]) => result !== 'ok');
    if (failing.length === 0) return { status: 'ready', checks };
    request.log.warn({ checks }, 'not ready');
    return reply
      .code(503)
      .header('Retry-After', String(RETRY_AFTER_SECONDS))
      .send({
        status: 'not-ready',
        checks,
        error: {
          code: 'UNAVAILABLE',
          message: `Not ready: ${failing.map(([name]) => name).join(', ')}.`,
          details: {
            failing: failing.map(([name]) => name),
            house: { failing: health.failing, unavailablePartitions: health.partitions.unavailable },
          },
        },
      });
  });

  // Which partitions this process sequences: a balancer that sends the bids of an auction to the
  // owner of partitionOf(id, total) spares them a trip through the queue to another process.
  app.get('/partitions', async () => {
    const { total, owned } = context.house.health().partitions;
    return { total, owned };
  });

  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await context.metrics.render();
    return reply.header('Content-Type', contentType).send(text);
  });
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
