import { type AuctionHouse, createAuctionHouse, isOutcryError } from '@outcry/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresAdapters, type PostgresAdapters, replayAuction } from '../src/index.js';
import { createAuctions, drained, ledgerBidCounts } from './support/auction-fixtures.js';
import { DATABASE_URL, dropSchema, freshSchemaName, noDatabase } from './support/database.js';

const PARTITIONS = 4;

/** Kills every server process of our adapters, found by their application_name; returns how many. */
async function terminateBackends(applicationName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ killed: boolean }>(
      'select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()',
      [applicationName],
    );
    return rows.filter((row) => row.killed).length;
  } finally {
    await admin.end();
  }
}

describe.skipIf(noDatabase)('restart: the adapters’ backends terminated during load', () => {
  const schema = freshSchemaName('restart');
  const applicationName = `outcry_${schema}`;
  let adapters: PostgresAdapters;
  let house: AuctionHouse;
  beforeAll(async () => {
    const url = new URL(DATABASE_URL);
    url.searchParams.set('application_name', applicationName);
    adapters = createPostgresAdapters({ connectionString: url.toString(), schema, partitions: PARTITIONS });
    await adapters.migrate();
    house = createAuctionHouse({ backend: adapters, leaseTtlMs: 1_500, answerTimeoutMs: 10_000 });
    await house.start();
  });
  afterAll(async () => {
    await house.stop();
    await adapters.close();
    await dropSchema(schema);
  });

  it('gives callers clear errors meanwhile, resumes, and loses or doubles nothing', async () => {
    const auctions = await createAuctions(adapters, 4);
    const outcomes = new Map<string, { status: string; at: number }>();
    const errors: unknown[] = [];
    let running = true;
    let n = 0;
    let amount = 1_000;
    const worker = async (w: number) => {
      while (running) {
        const bidId = `r-${n++}`;
        amount += 7;
        try {
          const outcome = await house.placeBid({
            auctionId: auctions[n % auctions.length] as string,
            bidderId: `b${w % 6}`,
            amount,
            bidId,
          });
          outcomes.set(bidId, { status: outcome.status, at: Date.now() });
        } catch (error) {
          errors.push(error);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const load = Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
    const killed: number[] = [];
    let lastKill = 0;
    for (let round = 0; round < 3; round++) {
      await new Promise((r) => setTimeout(r, 700));
      killed.push(await terminateBackends(applicationName));
      lastKill = Date.now();
    }
    // Keep bidding until service is back: accepted answers after the last kill.
    const deadline = Date.now() + 20_000;
    while (
      Date.now() < deadline &&
      ![...outcomes.values()].some((o) => o.status === 'accepted' && o.at > lastKill + 200)
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    running = false;
    await load;

    expect(
      killed.every((k) => k > 0),
      `backends killed per round: ${killed}`,
    ).toBe(true);
    expect(adapters.listener.reconnects).toBeGreaterThanOrEqual(1);
    expect(
      [...outcomes.values()].some((o) => o.status === 'accepted' && o.at > lastKill + 200),
      'service resumed',
    ).toBe(true);
    // Clear errors only: the queue or the database was unavailable, or the answer came too late.
    const codes = new Set(errors.map((e) => (isOutcryError(e) ? e.code : String(e))));
    expect(
      [...codes].every((code) => code === 'UNAVAILABLE' || code === 'TIMEOUT'),
      `codes: ${[...codes]}`,
    ).toBe(true);

    await drained(house, adapters);
    console.info(
      `[restart] killed ${killed.join('/')} backends, ${outcomes.size} answers, ${errors.length} errors (${[...codes]}), listener reconnects ${adapters.listener.reconnects}, commit errors ${house.metrics().sequencer.commitErrors}`,
    );
    const counts = await ledgerBidCounts(adapters);
    const accepted = [...outcomes].filter(([, o]) => o.status === 'accepted').map(([bidId]) => bidId);
    expect(accepted.length).toBeGreaterThan(100);
    expect(
      accepted.filter((bidId) => counts.get(bidId) !== 1),
      'accepted but not in the ledger once',
    ).toEqual([]);
    for (const id of auctions) {
      const [state] = await adapters.store.getMany([id]);
      expect(await replayAuction(adapters.store, id)).toEqual(state);
    }
  });
});
