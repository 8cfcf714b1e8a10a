import { eventually } from '@outcry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type GatewayFixture, startGateway } from './support/gateway-fixture.js';

const SUBSCRIBERS = 1_000;
const BIDS = 60;

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGateway();
});
afterAll(async () => {
  await fx.stop();
});

interface Watcher {
  ws: WebSocket;
  snapshotSeq: number;
  /** `seq:type` of every event received, in order. */
  events: string[];
  seqs: number[];
  other: string[];
}

describe('fan-out', () => {
  it(`delivers every event exactly once, in seq order, to each of ${SUBSCRIBERS} subscribers`, async () => {
    const auction = await fx.createAuction();
    const watchers: Watcher[] = [];
    // Open in waves, so the accept backlog of the listening socket never overflows.
    for (let wave = 0; wave < SUBSCRIBERS / 100; wave++) {
      const opened = await Promise.all(
        Array.from(
          { length: 100 },
          () =>
            new Promise<Watcher>((resolve, reject) => {
              const ws = new WebSocket(fx.url);
              const watcher: Watcher = { ws, snapshotSeq: -1, events: [], seqs: [], other: [] };
              ws.on('message', (data) => {
                const frame = JSON.parse(data.toString()) as {
                  type: string;
                  auction?: { seq: number };
                  event?: { seq: number; type: string; bidId?: string };
                };
                if (frame.type === 'snapshot') watcher.snapshotSeq = frame.auction?.seq ?? -1;
                else if (frame.type === 'event' && frame.event) {
                  watcher.events.push(`${frame.event.seq}:${frame.event.type}:${frame.event.bidId ?? ''}`);
                  watcher.seqs.push(frame.event.seq);
                } else watcher.other.push(frame.type);
              });
              ws.once('open', () => {
                ws.send(JSON.stringify({ type: 'subscribe', auctionId: auction.id }));
                resolve(watcher);
              });
              ws.once('error', reject);
            }),
        ),
      );
      watchers.push(...opened);
    }
    await eventually(() => watchers.every((w) => w.snapshotSeq >= 0), 20_000, 'every snapshot');
    expect(fx.gateway.metrics()).toMatchObject({ rooms: 1, subscriptions: SUBSCRIBERS });
    const startSeq = watchers[0]?.snapshotSeq ?? 0;

    // Bids from several bidders, some in the same tick, some one by one.
    const bidders = ['bob', 'carol', 'dave', 'erin'];
    const placed: Promise<unknown>[] = [];
    for (let i = 0; i < BIDS; i++) {
      const bid = fx.house.placeBid({
        auctionId: auction.id,
        bidderId: bidders[i % 4] as string,
        amount: 2_000 + i * 500,
      });
      placed.push(bid);
      if (i % 3 === 0) await bid;
    }
    await Promise.all(placed);
    const ledger = await fx.house.getLedger(auction.id, { afterSeq: startSeq });
    const finalSeq = ledger.at(-1)?.seq ?? startSeq;
    expect(finalSeq).toBe(startSeq + BIDS);
    await eventually(() => watchers.every((w) => w.seqs.at(-1) === finalSeq), 30_000, 'every event everywhere');
    await new Promise((resolve) => setTimeout(resolve, 100));

    const reference = watchers[0]?.events ?? [];
    expect(new Set(reference).size).toBe(reference.length);
    for (const watcher of watchers) {
      expect(watcher.snapshotSeq).toBe(startSeq);
      expect(watcher.events).toEqual(reference);
      expect(watcher.other).toEqual([]);
      for (let i = 1; i < watcher.seqs.length; i++) {
        const step = (watcher.seqs[i] as number) - (watcher.seqs[i - 1] as number);
        expect(step === 0 || step === 1).toBe(true);
      }
    }
    // every accepted bid is there once
    const accepted = reference.filter((e) => e.includes(':bid.accepted:'));
    expect(accepted).toHaveLength(BIDS);
    const metrics = fx.gateway.metrics();
    expect(metrics.eventsDelivered).toBe(metrics.eventsReceived * SUBSCRIBERS);
    // coalescing: fewer socket writes than deliveries
    expect(metrics.fanoutWrites).toBeLessThan(metrics.eventsDelivered);
    expect(metrics.gaps).toBe(0);
    await Promise.all(
      watchers.map(
        (w) =>
          new Promise((resolve) => {
            w.ws.once('close', resolve);
            w.ws.close();
          }),
      ),
    );
    await eventually(() => fx.gateway.metrics().rooms === 0, 10_000, 'rooms closed');
  });
});
