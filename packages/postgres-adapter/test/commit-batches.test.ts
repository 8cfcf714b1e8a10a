import { isOutcryError } from '@outcry/core';
import { commitBatchOf, ScriptedAuction, uniquePartition } from '@outcry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedAdapters, noDatabase } from './support/database.js';

describe.skipIf(noDatabase)('commits of several partitions that arrive together', () => {
  let adapters: Awaited<ReturnType<typeof migratedAdapters>>;
  const statements: string[] = [];
  /** The partitions parameter of each commit_batches call. */
  const partitionsSent: unknown[] = [];
  beforeAll(async () => {
    adapters = await migratedAdapters();
    const query = adapters.pool.query.bind(adapters.pool) as (...args: unknown[]) => unknown;
    // Records which statement each query ran, to see one call of commit_batches go out.
    (adapters.pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const config = args[0] as { name?: string; values?: unknown[] };
      if (typeof config === 'object' && config?.name !== undefined) statements.push(config.name);
      if (config?.name?.endsWith('.commit_batches')) partitionsSent.push(config.values?.[0]);
      return query(...args);
    };
  });
  afterAll(async () => {
    await adapters.dispose();
  });

  it('go out as one statement, each batch accepted or refused on its own', async () => {
    const partitions = [uniquePartition(), uniquePartition(), uniquePartition()];
    const auctions = partitions.map(() => ScriptedAuction.create());
    const [first, second, third] = partitions as [number, number, number];
    // Partition `second` has seen token 9: a batch with token 3 there comes from a stale owner.
    await adapters.store.commit(commitBatchOf(second, 9, [ScriptedAuction.create()]));
    for (const auction of auctions) {
      auction.bid('bob', 2_000);
      auction.bid('carol', 3_000);
    }
    statements.length = 0;
    const results = await Promise.allSettled([
      adapters.store.commit(commitBatchOf(first, 1, [auctions[0] as ScriptedAuction])),
      adapters.store.commit(commitBatchOf(second, 3, [auctions[1] as ScriptedAuction])),
      adapters.store.commit(commitBatchOf(third, 1, [auctions[2] as ScriptedAuction])),
    ]);
    expect(statements.filter((name) => name.endsWith('.commit_batches'))).toHaveLength(1);
    expect(statements.filter((name) => name.endsWith('.commit'))).toHaveLength(0);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const refusal = (results[1] as PromiseRejectedResult).reason;
    expect(isOutcryError(refusal) && refusal.code).toBe('STALE_OWNER');

    const [a, b, c] = auctions.map((auction) => auction.id) as [string, string, string];
    const states = await adapters.store.getMany([a, b, c]);
    expect(states.map((s) => s?.leaderId ?? null)).toEqual(['carol', null, 'carol']);
    const ledger = await adapters.store.getLedger(a, { afterSeq: 0, limit: 10 });
    expect(ledger.map((e) => e.command.type)).toEqual(['create', 'bid', 'bid']);
    expect(await adapters.store.getLedger(b, { afterSeq: 0, limit: 10 })).toEqual([]);
  });

  it('holds commits that arrive while one is in flight, and sends them together when it returns', async () => {
    const [p1, p2, p3, p4] = [uniquePartition(), uniquePartition(), uniquePartition(), uniquePartition()];
    const auctions = [p1, p2, p3, p4].map(() => ScriptedAuction.create());
    // Another transaction locks the fencing tokens: the first commit stays in flight until it ends.
    const blocker = await adapters.pool.connect();
    await blocker.query(`BEGIN; LOCK TABLE ${adapters.schema}.partition_tokens IN EXCLUSIVE MODE`);
    statements.length = 0;
    const first = adapters.store.commit(commitBatchOf(p1, 1, [auctions[0] as ScriptedAuction]));
    const later: Promise<void>[] = [];
    // Each arrives in a tick of its own, so without the limit each would be a transaction of its own.
    for (const [i, partition] of [p2, p3, p4].entries()) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      later.push(adapters.store.commit(commitBatchOf(partition, 1, [auctions[i + 1] as ScriptedAuction])));
    }
    expect(statements.map((name) => name.slice(name.lastIndexOf('.') + 1))).toEqual(['commit']);
    await blocker.query('COMMIT');
    blocker.release();
    await Promise.all([first, ...later]);
    expect(statements.map((name) => name.slice(name.lastIndexOf('.') + 1))).toEqual(['commit', 'commit_batches']);
    const states = await adapters.store.getMany(auctions.map((auction) => auction.id));
    expect(states.map((state) => state?.seq)).toEqual([1, 1, 1, 1]);
  });

  it('merges commits of one partition that wait together into one batch, in order', async () => {
    const [p1, p2, p3] = [uniquePartition(), uniquePartition(), uniquePartition()];
    const [first, hot, other] = [ScriptedAuction.create(), ScriptedAuction.create(), ScriptedAuction.create()];
    const blocker = await adapters.pool.connect();
    await blocker.query(`BEGIN; LOCK TABLE ${adapters.schema}.partition_tokens IN EXCLUSIVE MODE`);
    statements.length = 0;
    const inFlight = adapters.store.commit(commitBatchOf(p1, 1, [first]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A sequencer's next batch of the same partition, sent before its last one returned.
    const earlier = adapters.store.commit(commitBatchOf(p2, 1, [hot]));
    hot.bid('bob', 2_000);
    hot.bid('carol', 3_000);
    const later = adapters.store.commit(commitBatchOf(p2, 1, [hot]));
    const beside = adapters.store.commit(commitBatchOf(p3, 1, [other]));
    await blocker.query('COMMIT');
    blocker.release();
    partitionsSent.length = 0;
    await Promise.all([inFlight, earlier, later, beside]);
    expect(statements.map((name) => name.slice(name.lastIndexOf('.') + 1))).toEqual(['commit', 'commit_batches']);
    expect(partitionsSent).toEqual([`{${p2},${p3}}`]);
    const ledger = await adapters.store.getLedger(hot.id, { afterSeq: 0, limit: 10 });
    expect(ledger.map((e) => [e.seq, e.command.type])).toEqual([
      [1, 'create'],
      [2, 'bid'],
      [3, 'bid'],
    ]);
    expect((await adapters.store.getMany([hot.id]))[0]).toEqual(hot.state);
  });

  it('keeps each batch whole and in order when batches differ in size', async () => {
    const partitions = [uniquePartition(), uniquePartition()];
    const small = ScriptedAuction.create();
    const large = [ScriptedAuction.create(), ScriptedAuction.create()];
    small.bid('bob', 2_000);
    for (const auction of large)
      for (let i = 0; i < 5; i++) auction.bid(i % 2 === 0 ? 'bob' : 'carol', 2_000 + i * 100);
    await Promise.all([
      adapters.store.commit(commitBatchOf(partitions[0] as number, 1, [small])),
      adapters.store.commit(commitBatchOf(partitions[1] as number, 1, large)),
    ]);
    for (const auction of large) {
      const ledger = await adapters.store.getLedger(auction.id, { afterSeq: 0, limit: 10 });
      expect(ledger.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    }
    expect((await adapters.store.getLedger(small.id, { afterSeq: 0, limit: 10 })).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('refuses alone a batch whose seq does not follow, or whose bidId is already in the ledger', async () => {
    const [p1, p2, p3] = [uniquePartition(), uniquePartition(), uniquePartition()];
    const fine = ScriptedAuction.create();
    const replayed = ScriptedAuction.create();
    const repeated = ScriptedAuction.create();
    await adapters.store.commit(commitBatchOf(p2, 1, [replayed]));
    await adapters.store.commit(commitBatchOf(p3, 1, [repeated]));
    fine.bid('bob', 2_000);
    // Another writer's copy of `replayed` commits first: the original's next entry no longer follows.
    const copy = replayed.fork();
    copy.bid('dave', 2_500);
    await adapters.store.commit(commitBatchOf(p2, 2, [copy]));
    replayed.bid('carol', 3_000);
    // `repeated` sends a bidId that `fine` also uses in this very round.
    fine.bid('erin', 4_000, 'shared-bid-id');
    repeated.bid('frank', 5_000, 'shared-bid-id');
    const results = await Promise.allSettled([
      adapters.store.commit(commitBatchOf(p1, 1, [fine])),
      adapters.store.commit(commitBatchOf(p2, 2, [replayed])),
      adapters.store.commit(commitBatchOf(p3, 1, [repeated])),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    for (const r of results.slice(1)) {
      const reason = (r as PromiseRejectedResult).reason;
      expect(isOutcryError(reason) && reason.code).toBe('STALE_OWNER');
    }
    expect((await adapters.store.getLedger(fine.id, { afterSeq: 0, limit: 10 })).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await adapters.store.getLedger(replayed.id, { afterSeq: 0, limit: 10 })).map((e) => e.seq)).toEqual([1, 2]);
    expect((await adapters.store.getLedger(repeated.id, { afterSeq: 0, limit: 10 })).map((e) => e.seq)).toEqual([1]);
  });
});
