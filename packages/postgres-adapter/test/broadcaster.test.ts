import type { BroadcastMessage, RoutedOutcome } from '@outcry/core/adapter-kit';
import { broadcastMessage, eventually, routedAnswers } from '@outcry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_INLINE_PAYLOAD_BYTES } from '../src/postgres-broadcaster.js';
import { migratedAdapters, noDatabase } from './support/database.js';

/** A message whose JSON is far over the 8,000-byte NOTIFY limit. */
function hugeMessage(partition: number): BroadcastMessage {
  const base = broadcastMessage(partition);
  const snapshot = base.snapshots[0];
  if (snapshot === undefined) throw new Error('fixture has a snapshot');
  return {
    ...base,
    snapshots: Array.from({ length: 40 }, (_, i) => ({
      ...snapshot,
      id: `${snapshot.id}-${i}`,
      metadata: { notes: 'é'.repeat(300) },
    })),
  };
}

describe.skipIf(noDatabase)('PostgresBroadcaster beyond the NOTIFY payload limit', () => {
  let adapters: Awaited<ReturnType<typeof migratedAdapters>>;
  let other: Awaited<ReturnType<typeof migratedAdapters>>;
  beforeAll(async () => {
    adapters = await migratedAdapters();
    // A second bundle on the same schema: another process's listening connection.
    const { createPostgresAdapters } = await import('../src/index.js');
    const { DATABASE_URL } = await import('./support/database.js');
    const second = createPostgresAdapters({ connectionString: DATABASE_URL, schema: adapters.schema });
    other = { ...second, dispose: () => second.close() };
  });
  afterAll(async () => {
    await other.dispose();
    await adapters.dispose();
  });

  it('delivers a message over 8,000 bytes whole, in order with small ones, in both processes', async () => {
    const partition = 7;
    const received: BroadcastMessage[] = [];
    const elsewhere: BroadcastMessage[] = [];
    await adapters.broadcaster.subscribe([partition], (m) => received.push(m));
    await other.broadcaster.subscribe([partition], (m) => elsewhere.push(m));
    const huge = hugeMessage(partition);
    expect(Buffer.byteLength(JSON.stringify(huge))).toBeGreaterThan(MAX_INLINE_PAYLOAD_BYTES + 8_000);
    const messages = [
      broadcastMessage(partition),
      huge,
      broadcastMessage(partition),
      hugeMessage(partition),
      broadcastMessage(partition),
    ];
    // Not awaited one by one: the broadcaster itself keeps a partition's publishes in order.
    await Promise.all(messages.map((m) => adapters.broadcaster.publish(m)));
    await eventually(() => received.length === messages.length && elsewhere.length === messages.length);
    expect(received).toEqual(messages);
    expect(elsewhere).toEqual(messages);
    expect(adapters.broadcaster.stats().overflowed).toBe(2);
    const rows = await adapters.pool.query(`select count(*)::int as n from "${adapters.schema}".broadcast_overflow`);
    expect(rows.rows[0].n).toBe(2);
  });

  it("drops notifications that are not broadcasts (another program's) and counts them", async () => {
    const partition = 8;
    const heard: BroadcastMessage[] = [];
    await other.broadcaster.subscribe([partition], (m) => heard.push(m));
    const dropped = other.broadcaster.stats().dropped;
    const channel = `${adapters.schema}_broadcast`;
    for (const junk of ['mx:not json', 'mx:{"partition":8}', 'mx:null', 'r-x:1:2', 'hello'])
      await adapters.pool.query('select pg_notify($1, $2)', [channel, junk]);
    const last = broadcastMessage(partition);
    await adapters.broadcaster.publish(last);
    await eventually(() => heard.length === 1);
    expect(heard).toEqual([last]);
    expect(other.broadcaster.stats().dropped - dropped).toBeGreaterThanOrEqual(4);
  });

  it('does not deliver another partition’s large message', async () => {
    const mine: BroadcastMessage[] = [];
    await other.broadcaster.subscribe([100], (m) => mine.push(m));
    await adapters.broadcaster.publish(hugeMessage(101));
    const last = broadcastMessage(100);
    await adapters.broadcaster.publish(last);
    await eventually(() => mine.length === 1);
    expect(mine).toEqual([last]);
  });

  it('sends answers over 8,000 bytes as several notifications, whole and in order, to their house only', async () => {
    const outcomes: RoutedOutcome[] = Array.from({ length: 120 }, () => routedAnswers()).flat();
    expect(Buffer.byteLength(JSON.stringify(outcomes))).toBeGreaterThan(4 * MAX_INLINE_PAYLOAD_BYTES);
    const heard: RoutedOutcome[] = [];
    const notMine: RoutedOutcome[] = [];
    await other.broadcaster.receiveAnswers('pg-house-b', (answers) => heard.push(...answers));
    await other.broadcaster.receiveAnswers('pg-house-c', (answers) => notMine.push(...answers));
    await adapters.broadcaster.sendAnswers('pg-house-b', outcomes);
    await eventually(() => heard.length >= outcomes.length, 5_000, 'every answer');
    expect(heard).toEqual(outcomes);
    expect(notMine).toEqual([]);
  });
});
