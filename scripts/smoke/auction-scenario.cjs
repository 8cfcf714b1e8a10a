// One whole auction through the public API of an installed @outcry/core, shared by the ESM
// and the CJS entry (each passes the createAuctionHouse it loaded itself). Throws on any
// mismatch. Fixed increment of 100 so every expected price follows from the rules by hand.
'use strict';

const assert = require('node:assert/strict');

/** @param {{ createAuctionHouse: Function, label: string }} options */
async function runAuctionScenario({ createAuctionHouse, label }) {
  const house = createAuctionHouse();
  await house.start();
  let closedEvent = null;
  try {
    const closed = new Promise((resolve) => {
      house.on('auction.closed', (event) => {
        closedEvent = event;
        resolve(event);
      });
    });
    const auction = await house.createAuction({
      sellerId: 'alice',
      title: `Smoke test guitar (${label})`,
      currency: 'USD',
      startingPrice: 1_000,
      reservePrice: 5_000,
      increment: { type: 'fixed', amount: 100 },
      endsAt: Date.now() + 1_500,
    });
    assert.equal(auction.status, 'open', 'auction opens at once without startsAt');
    assert.equal(auction.hasReserve, true);
    assert.equal(auction.reserveMet, false);

    const bid = (bidderId, amount) => house.placeBid({ auctionId: auction.id, bidderId, amount });

    const b1 = await bid('bob', 2_000);
    assert.equal(b1.status, 'accepted', `bob 2000: ${JSON.stringify(b1)}`);
    assert.equal(b1.price, 1_000, 'the first bid sets the price to the starting price');
    assert.equal(b1.leaderId, 'bob');

    const b2 = await bid('carol', 1_500);
    assert.equal(b2.status, 'accepted', `carol 1500: ${JSON.stringify(b2)}`);
    assert.equal(b2.leaderId, 'bob');
    assert.equal(b2.price, 1_600, 'runner-up max 1500 + increment 100');

    const b3 = await bid('dave', 1_600);
    assert.equal(b3.status, 'rejected', `dave 1600: ${JSON.stringify(b3)}`);
    assert.equal(b3.code, 'BID_TOO_LOW');
    assert.equal(b3.minimumBid, 1_700, 'price 1600 + increment 100');

    const b4 = await bid('carol', 6_000);
    assert.equal(b4.status, 'accepted', `carol 6000: ${JSON.stringify(b4)}`);
    assert.equal(b4.leaderId, 'carol');
    assert.equal(b4.price, 5_000, 'the leader reached the reserve, so the price rises to it');

    const b5 = await bid('bob', 5_500);
    assert.equal(b5.status, 'accepted', `bob 5500: ${JSON.stringify(b5)}`);
    assert.equal(b5.leaderId, 'carol');
    assert.equal(b5.price, 5_600);

    const open = await house.getAuction(auction.id);
    assert.equal(open.reserveMet, true);
    assert.equal(open.result, null);
    assert.equal(open.reservePrice, undefined, 'the public view never shows the reserve amount');

    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('auction.closed did not arrive within 10 s')), 10_000);
    });
    await Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
    assert.equal(closedEvent.auctionId, auction.id);

    const final = await house.getAuction(auction.id);
    assert.equal(final.status, 'closed');
    assert.deepEqual(
      { outcome: final.result?.outcome, winnerId: final.result?.winnerId, price: final.result?.price },
      { outcome: 'sold', winnerId: 'carol', price: 5_600 },
    );
  } finally {
    await house.stop();
  }
}

module.exports = { runAuctionScenario };
