import { codePointLength, MAX_AMOUNT } from '@outcry/core';
import { NAMED_OPAQUE_IDS, opaqueIdArbitrary } from '@outcry/core/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fitsStoredBidId,
  MAX_CLIENT_BID_ID_LENGTH,
  MAX_USER_ID_LENGTH_FOR_ANY_BID_ID,
  toClientBidId,
  toStoredBidId,
} from '../src/index.js';
import { type GatewayFixture, startGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

describe('the per-user bidId scheme', () => {
  const id = fc.oneof(
    opaqueIdArbitrary({ maxLength: 20 }),
    fc.constantFrom(...NAMED_OPAQUE_IDS, 'a', 'a:b', 'b:c', 'c'),
  );

  it('gives back the client bidId of every stored one, and no other user’s', () => {
    fc.assert(
      fc.property(id, id, id, (user, key, other) => {
        const stored = toStoredBidId(user, key);
        expect(toClientBidId(user, stored)).toBe(key);
        if (other !== user) expect(toClientBidId(other, stored)).toBe(stored);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never stores two (user, bidId) pairs under one id, colons or not', () => {
    fc.assert(
      fc.property(id, id, id, id, (user, key, otherUser, otherKey) => {
        fc.pre(user !== otherUser || key !== otherKey);
        expect(toStoredBidId(user, key)).not.toBe(toStoredBidId(otherUser, otherKey));
      }),
      { numRuns: 2_000 },
    );
    expect(toStoredBidId('a:b', 'c')).not.toBe(toStoredBidId('a', 'b:c'));
    expect(toStoredBidId('a:b', 'c')).toBe('3:a:b:c');
    expect(toStoredBidId('Łukasz', 'x')).toBe('6:Łukasz:x');
    expect(toStoredBidId('😀', 'x')).toBe('1:😀:x');
  });

  it('fits 256 characters for user ids up to MAX_USER_ID_LENGTH_FOR_ANY_BID_ID and bidIds up to 128', () => {
    expect(MAX_USER_ID_LENGTH_FOR_ANY_BID_ID).toBe(123);
    const longest = toStoredBidId('😀'.repeat(123), '😀'.repeat(MAX_CLIENT_BID_ID_LENGTH));
    expect(codePointLength(longest)).toBe(256);
    expect(fitsStoredBidId('😀'.repeat(123), '😀'.repeat(128))).toBe(true);
    expect(fitsStoredBidId('x'.repeat(124), 'x'.repeat(128))).toBe(false);
    expect(fitsStoredBidId('x'.repeat(200), 'x'.repeat(51))).toBe(true);
  });
});

describe('opaque ids through the gateway', () => {
  let fx: GatewayFixture;
  const clients: TestClient[] = [];
  async function connect(): Promise<TestClient> {
    const client = await TestClient.open(fx.url);
    clients.push(client);
    return client;
  }
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await fx?.stop();
  });

  it('authenticates any opaque user id and bids with any bidId, byte for byte', async () => {
    fx = await startGateway({ rateLimit: false });
    const auction = await fx.createAuction();
    const watcher = await connect();
    watcher.send({ type: 'subscribe', auctionId: auction.id });
    await watcher.nextOf('snapshot');
    // Each user once: a user bidding again would first meet the event of its earlier bid being outbid.
    const users = [
      ...new Set([
        ...NAMED_OPAQUE_IDS.filter((user) => codePointLength(user) <= 123),
        ...fc.sample(opaqueIdArbitrary(), 10),
      ]),
    ];
    let amount = 1_000;
    for (const [i, userId] of users.entries()) {
      const client = await connect();
      client.send({ type: 'auth', token: `token-${userId}` });
      expect(await client.nextOf('auth.ok')).toEqual({ type: 'auth.ok', userId });
      const bidId = NAMED_OPAQUE_IDS[i % NAMED_OPAQUE_IDS.length]?.slice(0, 100) ?? 'k';
      amount += 1_000;
      client.send({ type: 'bid', auctionId: auction.id, amount, bidId });
      expect((await client.nextOf('bid.result')).outcome).toMatchObject({
        status: 'accepted',
        bidId,
        leaderId: userId,
      });
      const event = await watcher.next(
        (frame) => frame.type === 'event' && (frame.event as { bidderId?: string }).bidderId === userId,
      );
      expect(event.event).toMatchObject({ type: 'bid.accepted', bidderId: userId, leaderId: userId });
      expect(await fx.house.getBidOutcome(toStoredBidId(userId, bidId))).toMatchObject({ leaderId: userId });
    }
  });

  it('refuses a token whose user id is not an opaque id, on the socket and at the upgrade', async () => {
    fx = await startGateway();
    for (const userId of ['', 'bad\u0000id', 'x'.repeat(257), '\ud800']) {
      const client = await connect();
      client.send({ type: 'auth', token: `token-${userId}` });
      expect(await client.nextOf('error')).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    await expect(TestClient.open(`${fx.url}?token=${encodeURIComponent('token-bad\u0000id')}`)).rejects.toThrow();
  });

  it('refuses with INVALID_INPUT a bidId that does not fit with a long user id, or that is not an opaque id', async () => {
    fx = await startGateway();
    const auction = await fx.createAuction();
    const client = await connect();
    client.send({ type: 'auth', token: `token-${'u'.repeat(200)}` });
    await client.nextOf('auth.ok');
    client.send({ type: 'bid', auctionId: auction.id, amount: 2_000, bidId: 'k'.repeat(60) });
    expect(await client.nextOf('error')).toMatchObject({ code: 'INVALID_INPUT', auctionId: auction.id });
    client.send({ type: 'bid', auctionId: auction.id, amount: 2_000, bidId: 'k'.repeat(51) });
    expect((await client.nextOf('bid.result')).outcome).toMatchObject({ status: 'accepted', bidId: 'k'.repeat(51) });
    for (const frame of [
      { bidId: 'a\u0000b' },
      { bidId: '\udc00' },
      { bidId: 'k'.repeat(129) },
      { amount: MAX_AMOUNT + 1 },
      { auctionId: 'has space' },
    ]) {
      client.send({ type: 'bid', auctionId: auction.id, amount: 3_000, ...frame });
      expect(await client.nextOf('error')).toMatchObject({ code: 'INVALID_INPUT' });
    }
  });
});
