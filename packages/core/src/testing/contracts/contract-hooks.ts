import { afterEach } from 'vitest';

/** What a port's factory may return: anything with an optional `close()`. */
export interface Closable {
  close?(): Promise<void>;
}

/** Options every contract suite takes. */
export interface ContractHooks {
  /** Runs after each test, once that test's instances are closed: drop keys, schemas, clients. */
  readonly cleanup?: () => void | Promise<void>;
}

/** The hook of the contracts whose tests may share one queue or bus (queue, broadcaster). */
export interface PartitionHook {
  /**
   * Gives one test a partition number. By default a random one no other test uses, since
   * adapters may share one server; pass your own when the backend only knows a fixed range.
   */
  readonly partition?: () => number;
}

/** The instances one test made, closed after it. */
export interface InstanceTracker {
  /** Remember `instance` so that it is closed after the test; returns it. */
  add<T extends Closable>(instance: T): T;
}

/**
 * Registers an `afterEach` in the calling `describe` that closes every instance the test
 * made (each once, even when a pair shares one) and then runs `hooks.cleanup`.
 */
export function trackInstances(hooks: ContractHooks): InstanceTracker {
  const open = new Set<Closable>();
  afterEach(async () => {
    const instances = [...open];
    open.clear();
    const closing = await Promise.allSettled(instances.map(async (instance) => instance.close?.()));
    await hooks.cleanup?.();
    const failed = closing.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  });
  return {
    add(instance) {
      open.add(instance);
      return instance;
    },
  };
}
