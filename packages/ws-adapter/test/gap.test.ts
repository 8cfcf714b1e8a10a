import { createAuctionHouse, createMemoryBackend } from '@outcry/core';
import { type BroadcastMessage, MemoryBroadcaster } from '@outcry/core/adapter-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

/** A broadcaster that loses the messages it is told to lose, like a dropped pub/sub message. */
class LossyBroadcaster extends MemoryBroadcaster {
  drop = 0;
  override async publish(message: BroadcastMessage): Promise<void> {
    if (this.drop > 0 && message.events.length > 0) {
      this.drop--;
      return;
    }
    return super.publish(message);
  }
}

let fx: GatewayFixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

describe('gaps in seq', () => {
  it('sends a fresh snapshot when an event is missing, then goes on with the events', async () => {
    const broadcaster = new LossyBroadcaster();
    fx = await startGateway({
      house: createAuctionHouse({ backend: createMemoryBackend({ broadcaster }), partitions: 1 }),
    });
    const auction = await fx.createAuction();
    const client = await TestClient.open(fx.url);
    client.send({ type: 'subscribe', auctionId: auction.id });
    const first = (await client.nextOf('snapshot')).auction as { seq: number };

    broadcaster.drop = 1;
    await fx.house.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 2_000 }); // lost
    await fx.house.placeBid({ auctionId: auction.id, bidderId: 'carol', amount: 3_000 }); // seq + 2: a gap
    const fresh = await client.nextOf('snapshot');
    expect(fresh.auction).toMatchObject({ seq: first.seq + 2, leaderId: 'carol', bidCount: 2 });
    expect(client.all('event')).toEqual([]);
    expect(fx.gateway.metrics().gaps).toBe(1);

    await fx.house.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 4_000 });
    expect((await client.nextOf('event')).event).toMatchObject({ seq: first.seq + 3, bidderId: 'bob' });
    await client.close();
  });
});
