import {
  type AuctionHouse,
  createAuctionHouse,
  type HouseError,
  type HouseLogger,
  isOutcryError,
  OutcryError,
} from '@outcry/core';
import {
  type BroadcastMessage,
  type CommitBatch,
  MemoryAuctionStore,
  MemoryBroadcaster,
} from '@outcry/core/adapter-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryBackendOf } from '../support/memory-backend-of.js';

/** A logger that keeps its lines. */
function recordingLogger(): HouseLogger & { lines: Array<{ level: string; details: object; message: string }> } {
  const lines: Array<{ level: string; details: object; message: string }> = [];
  const at = (level: string) => (details: object, message: string) => lines.push({ level, details, message });
  return { lines, error: at('error'), warn: at('warn'), info: at('info') };
}

/** A store whose next commits fail as a lost connection does. */
class FlakyStore extends MemoryAuctionStore {
  failures = 0;

  override async commit(batch: CommitBatch): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new OutcryError('UNAVAILABLE', 'connection reset');
    }
    await super.commit(batch);
  }
}

/** A broadcaster that cannot publish. */
class MuteBroadcaster extends MemoryBroadcaster {
  override async publish(_message: BroadcastMessage): Promise<void> {
    throw new Error('publish refused');
  }
}

let house: AuctionHouse;
afterEach(async () => {
  await house?.stop();
});

const lot = () => ({ sellerId: 's', title: 'Lot', currency: 'USD', startingPrice: 100, endsAt: Date.now() + 60_000 });

describe("the house's logger and error event", () => {
  it('write and emit a failed commit with its cause, then its recovery', async () => {
    const store = new FlakyStore();
    const logger = recordingLogger();
    const errors: HouseError[] = [];
    house = createAuctionHouse({ backend: memoryBackendOf({ store }), partitions: 1, logger });
    house.on('error', (error) => errors.push(error));
    await house.start();
    const auction = await house.createAuction(lot());
    store.failures = 2;
    expect(await house.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 500 })).toMatchObject({
      status: 'accepted',
    });
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toMatchObject({ operation: 'commit', partition: 0 });
    expect((errors[0] as HouseError).cause).toMatchObject({ message: 'connection reset' });
    const warn = logger.lines.find((line) => line.level === 'warn');
    expect(warn).toMatchObject({ message: 'store call failed (commit); retrying', details: { operation: 'commit' } });
    expect(warn?.details).toMatchObject({ err: { message: 'connection reset' } });
    expect(logger.lines.some((line) => line.level === 'info' && line.message === 'store answers again')).toBe(true);
  });

  it('write and emit a lost publish, which is otherwise only counted', async () => {
    const logger = recordingLogger();
    const errors: HouseError[] = [];
    house = createAuctionHouse({
      backend: memoryBackendOf({ broadcaster: new MuteBroadcaster() }),
      partitions: 1,
      logger,
    });
    house.on('error', (error) => errors.push(error));
    await house.start();
    await house.createAuction(lot());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors.some((error) => error.operation === 'publish')).toBe(true);
    expect(house.metrics().broadcaster.publishErrors).toBeGreaterThan(0);
    expect(
      logger.lines.some(
        (line) => line.level === 'warn' && line.message === 'publish failed; counted in house.metrics()',
      ),
    ).toBe(true);
  });

  it('is silent by default, and refuses a logger without pino-style methods', () => {
    expect(() => createAuctionHouse({ logger: { warn: () => undefined } as unknown as HouseLogger })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    let caught: unknown;
    try {
      createAuctionHouse({ logger: console as unknown as HouseLogger });
    } catch (error) {
      caught = error;
    }
    expect(isOutcryError(caught)).toBe(false);
  });
});
