import type { AuctionHouse, HealthEvent } from '@outcry/core';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Writes what goes wrong under the house to the server's log: a failing store, queue or lock
 * call (warn: it is retried), callers answered UNAVAILABLE (error), a command the store refused
 * (error: something the checks let through), and the recovery (info). Returns `off`.
 */
export function logHouseHealth(house: AuctionHouse, log: FastifyBaseLogger): () => void {
  return house.onHealth((event: HealthEvent) => {
    switch (event.type) {
      case 'failure': {
        const { dependency, operation, partition, failures, since, error } = event;
        log.warn(
          { dependency, operation, partition, failures, failingForMs: Date.now() - since, err: error },
          `${dependency} call failed (${operation}); retrying`,
        );
        return;
      }
      case 'unavailable':
        log.error(
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
        log.error(
          { partition: event.partition, command: event.command, auctionId: event.auctionId, err: event.error },
          'the store refused a command; it was rejected with STORE_REJECTED',
        );
        return;
      case 'recovered':
        log.info(
          {
            dependency: event.dependency,
            operation: event.operation,
            partition: event.partition,
            failures: event.failures,
            failedForMs: event.failedForMs,
          },
          `${event.dependency} answers again`,
        );
        return;
    }
  });
}
