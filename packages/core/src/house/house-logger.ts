import type { HealthEvent, HouseError } from './house-types.js';

/**
 * Where the house writes what goes wrong underneath: pino's calling convention (details, then
 * the message), so a pino or Fastify logger fits as it is. Silent unless one is given.
 */
export interface HouseLogger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

const nothing = (): void => undefined;

/** The default: writes nothing. */
export const silentLogger: HouseLogger = { error: nothing, warn: nothing, info: nothing };

/** True for an object with pino's error, warn and info methods. */
export function isHouseLogger(value: unknown): value is HouseLogger {
  const logger = value as Partial<Record<keyof HouseLogger, unknown>> | null;
  return (
    typeof logger === 'object' &&
    logger !== null &&
    typeof logger.error === 'function' &&
    typeof logger.warn === 'function' &&
    typeof logger.info === 'function'
  );
}

/**
 * One line per health event: a failing call (warn: it is retried), callers answered UNAVAILABLE
 * (error), a command the store refused (error: something the checks let through), a recovery (info).
 */
export function logHealthEvent(logger: HouseLogger, event: HealthEvent, now: number): void {
  switch (event.type) {
    case 'failure': {
      const { dependency, operation, partition, failures, since, error } = event;
      logger.warn(
        { dependency, operation, partition, failures, failingForMs: now - since, err: error },
        `${dependency} call failed (${operation}); retrying`,
      );
      return;
    }
    case 'unavailable':
      logger.error(
        {
          partitions: event.partitions,
          callers: event.callers,
          dependency: event.trouble.dependency,
          lastError: event.trouble.lastError,
        },
        `${event.trouble.dependency} keeps failing: waiting callers answered UNAVAILABLE`,
      );
      return;
    case 'refused':
      logger.error(
        { partition: event.partition, command: event.command, auctionId: event.auctionId, err: event.error },
        'the store refused a command; it was rejected with STORE_REJECTED',
      );
      return;
    case 'recovered': {
      const { dependency, operation, partition, failures, failedForMs } = event;
      logger.info({ dependency, operation, partition, failures, failedForMs }, `${dependency} answers again`);
      return;
    }
  }
}

/** A failure that is only counted otherwise (a lost publish, a cache write): warn. */
export function logHouseError(logger: HouseLogger, error: HouseError): void {
  logger.warn(
    { operation: error.operation, partition: error.partition, err: error.cause },
    `${error.operation} failed; counted in house.metrics()`,
  );
}

/**
 * A listener for a connection's `error` events that writes each error once (warn), again only
 * when it changes or after a minute: a connection retrying against a server that is down
 * repeats the same error at every attempt. For the connections an adapter makes itself.
 */
export function connectionErrorLog(logger: HouseLogger, connection: string): (error: unknown) => void {
  let last = '';
  let lastAt = 0;
  return (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const now = Date.now();
    if (message === last && now - lastAt < 60_000) return;
    last = message;
    lastAt = now;
    logger.warn({ connection, err: error }, `${connection} connection: ${message}`);
  };
}
