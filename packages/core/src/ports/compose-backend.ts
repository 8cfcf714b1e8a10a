import { OutcryError } from '../errors.js';
import type { Backend, BackendCapabilities } from './backend.js';

/** For each port, the backend it is taken from. */
export interface BackendMix {
  readonly store: Backend;
  readonly queue: Backend;
  readonly lock: Backend;
  readonly broadcaster: Backend;
  readonly cache: Backend;
}

/**
 * One backend made of the ports of others, e.g. the store of one with everything else from
 * another: `composeBackend({ store: ledger, queue: fast, lock: fast, broadcaster: fast,
 * cache: fast })`. It declares only the capabilities that hold for the mix:
 * a commit publishes (or fills the cache) only when store and broadcaster (or cache) come from
 * one backend that declares it. Its `close()` closes each backend once.
 */
export function composeBackend(mix: BackendMix): Backend {
  const { store, queue, lock, broadcaster, cache } = mix;
  const capabilities: BackendCapabilities = {
    commitsInOrder: store.capabilities.commitsInOrder,
    commitPublishes: store === broadcaster && store.capabilities.commitPublishes,
    commitFillsCache: store === cache && store.capabilities.commitFillsCache,
    queueInProcess: queue.capabilities.queueInProcess,
    cacheShared: cache.capabilities.cacheShared,
    fencing: store.capabilities.fencing,
    solePublisher: broadcaster.capabilities.solePublisher,
    // Beside the queue: what is not received directly, or stays unanswered, is queued.
    directCommands: queue.capabilities.directCommands,
  };
  const sources = [...new Set([store, queue, lock, broadcaster, cache])];
  const counts = new Set(sources.flatMap((source) => (source.partitions === undefined ? [] : [source.partitions])));
  if (counts.size > 1) {
    throw new OutcryError(
      'INVALID_INPUT',
      `The backends mixed are laid out for different partition counts (${[...counts].join(', ')}): give every one the same.`,
    );
  }
  const [partitions] = counts;
  let closing: Promise<void> | null = null;
  return {
    store: store.store,
    queue: queue.queue,
    lock: lock.lock,
    broadcaster: broadcaster.broadcaster,
    cache: cache.cache,
    capabilities,
    fencing: capabilities.fencing ? store.fencing : undefined,
    solePublisher: capabilities.solePublisher ? broadcaster.solePublisher : undefined,
    directCommands: capabilities.directCommands ? queue.directCommands : undefined,
    partitions,
    close() {
      closing ??= Promise.all(sources.map((source) => source.close())).then(() => undefined);
      return closing;
    },
  };
}
