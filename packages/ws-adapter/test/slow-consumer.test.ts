import { eventually } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './support/gateway-fixture.js';
import { type Frame, TestClient } from './support/test-client.js';

const LIMIT = 16_384;
/** One tick of events may land on top of the limit before the socket is marked behind. */
const SLACK = 64 * 1_024;

let fx: GatewayFixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

/**
 * Bid until the gateway marks a consumer behind, 20 bids per tick, watching the largest send
 * buffer all along. Returns the largest buffer seen.
 */
async function bidUntilBehind(
  fixture: GatewayFixture,
  auctionId: string,
  from: number,
): Promise<{ maxBuffered: number; next: number }> {
  let amount = from;
  let maxBuffered = 0;
  const round = async () => {
    const bids = Array.from({ length: 20 }, (_, i) =>
      fixture.house.placeBid({ auctionId, bidderId: i % 2 === 0 ? 'bob' : 'carol', amount: amount + (i + 1) * 100 }),
    );
    amount += 20 * 100;
    await Promise.all(bids);
    await new Promise((resolve) => setImmediate(resolve));
    maxBuffered = Math.max(maxBuffered, fixture.gateway.metrics().bufferedBytes.max);
  };
  for (let i = 0; i < 5_000 && fixture.gateway.metrics().slowConsumers.marked === 0; i++) await round();
  // more rounds while behind: nothing more may be buffered
  for (let i = 0; i < 50; i++) await round();
  return { maxBuffered, next: amount };
}

describe('slow consumers', () => {
  it('stops sending to a client that does not read, then sends the latest snapshot once it drains', async () => {
    fx = await startGateway({ maxBufferedBytes: LIMIT, maxBehindMs: 60_000 });
    const auction = await fx.createAuction({ increment: { type: 'fixed', amount: 1 } });
    const slow = await TestClient.open(fx.url);
    const fast = await TestClient.open(fx.url);
    for (const client of [slow, fast]) client.send({ type: 'subscribe', auctionId: auction.id });
    await Promise.all([slow.nextOf('snapshot'), fast.nextOf('snapshot')]);

    slow.ws.pause();
    const { maxBuffered, next } = await bidUntilBehind(fx, auction.id, 2_000);
    expect(fx.gateway.metrics().slowConsumers).toMatchObject({ behind: 1, marked: 1 });
    expect(maxBuffered).toBeLessThanOrEqual(LIMIT + SLACK);
    const latest = (await fx.house.getAuction(auction.id))?.seq ?? -1;
    // the fast one kept up the whole time
    await eventually(
      () => (fast.all('event').at(-1)?.event as { seq: number } | undefined)?.seq === latest,
      10_000,
      'fast client',
    );

    slow.ws.resume();
    const snapshot = await slow.next(
      (f) => f.type === 'snapshot' && (f.auction as { seq: number }).seq === latest,
      15_000,
    );
    expect(snapshot.auction).toMatchObject({ id: auction.id, seq: latest });
    await eventually(() => fx?.gateway.metrics().slowConsumers.recovered === 1);
    // before the snapshot: a gap-free prefix of events, never the whole backlog
    const frames = slow.frames;
    const until_ = frames.indexOf(snapshot);
    const seqs = frames.slice(1, until_).map((f: Frame) => (f.event as { seq: number }).seq);
    for (let i = 1; i < seqs.length; i++) expect((seqs[i] as number) - (seqs[i - 1] as number)).toBeLessThanOrEqual(1);
    expect(seqs.at(-1) ?? 0).toBeLessThan(latest);

    // and live again afterwards
    await fx.house.placeBid({ auctionId: auction.id, bidderId: 'dave', amount: next + 10_000 });
    const event = await slow.nextOf('event');
    expect(event.event).toMatchObject({ seq: latest + 1 });
    expect(fx.gateway.metrics().slowConsumers.behind).toBe(0);
    await Promise.all([slow.close(), fast.close()]);
  });

  it('closes a client that stays behind longer than maxBehindMs with 1013', async () => {
    fx = await startGateway({ maxBufferedBytes: LIMIT, maxBehindMs: 200 });
    const auction = await fx.createAuction({ increment: { type: 'fixed', amount: 1 } });
    const slow = await TestClient.open(fx.url);
    slow.send({ type: 'subscribe', auctionId: auction.id });
    await slow.nextOf('snapshot');
    slow.ws.pause();
    const { maxBuffered } = await bidUntilBehind(fx, auction.id, 2_000);
    expect(maxBuffered).toBeLessThanOrEqual(LIMIT + SLACK);
    await eventually(() => fx?.gateway.metrics().slowConsumers.closed === 1, 5_000, '1013 close');
    slow.ws.resume();
    expect(await slow.closed).toBe(1013);
  });
});
