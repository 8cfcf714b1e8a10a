import { describe, expect, it } from 'vitest';
import { type AuctionHouseOptions, composeBackend, createAuctionHouse, createMemoryBackend } from '../../src/index.js';

const refusalOf = (options: unknown): unknown => {
  try {
    createAuctionHouse(options as AuctionHouseOptions);
    return null;
  } catch (error) {
    return error;
  }
};

describe('the options of createAuctionHouse', () => {
  it('refuses an unknown key with INVALID_INPUT naming it', () => {
    expect(refusalOf({ partitons: 2 })).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('partitons'),
    });
  });

  it('refuses ports spread into the options, saying to pass { backend }', () => {
    const { store, queue, lock, broadcaster, cache } = createMemoryBackend();
    expect(refusalOf({ store, queue, lock, broadcaster, cache })).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('{ backend:'),
    });
    expect(refusalOf({ ...createMemoryBackend() })).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses a backend that declares an extension it does not carry', () => {
    const backend = { ...createMemoryBackend(), fencing: undefined };
    expect(refusalOf({ backend })).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('fencing'),
    });
  });
});

describe('composeBackend', () => {
  it('declares a fused capability only when both ports come from the backend that declares it', () => {
    const fused = {
      ...createMemoryBackend(),
      capabilities: { ...createMemoryBackend().capabilities, commitPublishes: true, commitFillsCache: true },
    };
    const other = createMemoryBackend();
    const same = composeBackend({ store: fused, queue: other, lock: other, broadcaster: fused, cache: fused });
    expect(same.capabilities).toMatchObject({ commitPublishes: true, commitFillsCache: true, fencing: true });
    expect(same.store).toBe(fused.store);
    expect(same.queue).toBe(other.queue);
    const mixed = composeBackend({ store: fused, queue: other, lock: other, broadcaster: other, cache: other });
    expect(mixed.capabilities).toMatchObject({ commitPublishes: false, commitFillsCache: false });
    expect(mixed.fencing).toBe(fused.store);
  });

  it('refuses backends laid out for different partition counts, and takes the count they share', () => {
    const four = { ...createMemoryBackend(), partitions: 4 };
    const eight = { ...createMemoryBackend(), partitions: 8 };
    expect(() => composeBackend({ store: four, queue: eight, lock: four, broadcaster: four, cache: four })).toThrow(
      /different partition counts/,
    );
    const plain = createMemoryBackend();
    expect(
      composeBackend({ store: four, queue: plain, lock: plain, broadcaster: plain, cache: plain }).partitions,
    ).toBe(4);
  });

  it('closes each backend once', async () => {
    let closed = 0;
    const counted = { ...createMemoryBackend(), close: async () => void closed++ };
    const backend = composeBackend({
      store: counted,
      queue: counted,
      lock: counted,
      broadcaster: counted,
      cache: counted,
    });
    await backend.close();
    await backend.close();
    expect(closed).toBe(1);
  });
});
