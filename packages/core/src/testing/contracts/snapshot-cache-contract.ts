import { describe, expect, it } from 'vitest';
import type { SnapshotCache } from '../../ports/snapshot-cache.js';
import { sleep } from '../eventually.js';
import { type ContractHooks, trackInstances } from './contract-hooks.js';
import { snapshotAt, uniqueId } from './fixtures.js';

/** Groups of the SnapshotCache contract that a backend may switch off. */
export interface SnapshotCacheContractSkips {
  /** stats().size, for caches that cannot count their entries cheaply. */
  readonly size?: boolean;
  readonly ttl?: boolean;
}

export interface SnapshotCacheContractOptions extends ContractHooks {
  readonly skip?: SnapshotCacheContractSkips;
  /** TTL given to the cache in the expiry test (100 ms by default). */
  readonly shortTtlMs?: number;
  /** How long that test waits for entries to expire (250 ms by default). */
  readonly expiryWaitMs?: number;
}

/** What the suite asks of a new cache. */
export interface SnapshotCacheFactoryOptions {
  /** How long a snapshot stays without a refresh; the cache's default when absent. */
  readonly ttlMs?: number;
}

/** A factory of fresh, isolated caches; the suite closes each one after its test. */
export type SnapshotCacheFactory = (options: SnapshotCacheFactoryOptions) => Promise<SnapshotCache> | SnapshotCache;

/**
 * The contract every SnapshotCache meets: batch reads with misses as undefined, counted in
 * stats(); an older seq never replaces a newer one; delete, clear and TTL expiry.
 */
export function describeSnapshotCacheContract(
  makeCache: SnapshotCacheFactory,
  options: SnapshotCacheContractOptions = {},
): void {
  const skip = options.skip ?? {};
  const shortTtlMs = options.shortTtlMs ?? 100;
  const expiryWaitMs = options.expiryWaitMs ?? 250;

  describe('SnapshotCache contract', () => {
    const instances = trackInstances(options);
    const newCache = async (factoryOptions: SnapshotCacheFactoryOptions = {}): Promise<SnapshotCache> =>
      instances.add(await makeCache(factoryOptions));

    it('getMany answers in the order asked, undefined for a miss', async () => {
      const cache = await newCache();
      const [a, b] = [snapshotAt(uniqueId('auction'), 3), snapshotAt(uniqueId('auction'), 5)];
      await cache.setMany([a, b]);
      expect(await cache.getMany([b.id, uniqueId('missing'), a.id])).toEqual([b, undefined, a]);
      expect(await cache.getMany([])).toEqual([]);
    });

    it('counts hits and misses of this instance in stats()', async () => {
      const cache = await newCache();
      expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, hitRate: 0 });
      const a = snapshotAt(uniqueId('auction'), 1);
      await cache.setMany([a]);
      await cache.getMany([a.id, uniqueId('missing')]);
      await cache.getMany([a.id, a.id]);
      expect(cache.stats()).toMatchObject({ hits: 3, misses: 1, hitRate: 0.75 });
    });

    it('never replaces a newer seq with an older one, within a batch or across batches', async () => {
      const cache = await newCache();
      const id = uniqueId('auction');
      await cache.setMany([snapshotAt(id, 5)]);
      await cache.setMany([snapshotAt(id, 3)]);
      expect((await cache.getMany([id]))[0]?.seq).toBe(5);
      await cache.setMany([snapshotAt(id, 7)]);
      expect((await cache.getMany([id]))[0]?.seq).toBe(7);
      const other = uniqueId('auction');
      await cache.setMany([snapshotAt(other, 9), snapshotAt(other, 8)]);
      expect((await cache.getMany([other]))[0]?.seq).toBe(9);
    });

    it('delete forgets the given ids only; clear forgets everything', async () => {
      const cache = await newCache();
      const [a, b, c] = [1, 2, 3].map((seq) => snapshotAt(uniqueId('auction'), seq));
      if (a === undefined || b === undefined || c === undefined) throw new Error('three snapshots');
      await cache.setMany([a, b, c]);
      await cache.delete([a.id, uniqueId('missing')]);
      expect(await cache.getMany([a.id, b.id, c.id])).toEqual([undefined, b, c]);
      await cache.clear();
      expect(await cache.getMany([a.id, b.id, c.id])).toEqual([undefined, undefined, undefined]);
    });

    it.skipIf(skip.size === true)('reports its size in stats()', async () => {
      const cache = await newCache();
      const snapshots = [1, 2, 3].map((seq) => snapshotAt(uniqueId('auction'), seq));
      await cache.setMany(snapshots);
      expect(cache.stats().size).toBe(3);
      await cache.delete([snapshots[0]?.id ?? '']);
      expect(cache.stats().size).toBe(2);
      await cache.clear();
      expect(cache.stats().size).toBe(0);
    });

    it.skipIf(skip.ttl === true)('forgets a snapshot not refreshed within its TTL', async () => {
      const cache = await newCache({ ttlMs: shortTtlMs });
      const a = snapshotAt(uniqueId('auction'), 1);
      await cache.setMany([a]);
      expect(await cache.getMany([a.id])).toEqual([a]);
      await sleep(expiryWaitMs);
      expect(await cache.getMany([a.id])).toEqual([undefined]);
      await cache.setMany([a]);
      expect(await cache.getMany([a.id])).toEqual([a]);
    });
  });
}
