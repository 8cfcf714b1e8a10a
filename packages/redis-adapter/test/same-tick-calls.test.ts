import { describe, expect, it } from 'vitest';
import { SameTickCalls, type WaitingCall } from '../src/same-tick-calls.js';

/** Records each flush's items and answers every call with its item doubled. */
function doubling() {
  const flushes: number[][] = [];
  const calls = new SameTickCalls<number, number>((waiting: ReadonlyArray<WaitingCall<number, number>>) => {
    flushes.push(waiting.map((call) => call.item));
    for (const call of waiting) call.resolve(call.item * 2);
  });
  return { calls, flushes };
}

describe('SameTickCalls', () => {
  it('sends the calls of one turn together, in order, including those made by their promise jobs', async () => {
    const { calls, flushes } = doubling();
    const first = calls.add(1);
    const second = Promise.resolve().then(() => calls.add(2));
    const third = calls.add(3);
    expect(await Promise.all([first, second, third])).toEqual([2, 4, 6]);
    expect(flushes).toEqual([[1, 3, 2]]);
  });

  it('sends the calls of a later turn on their own', async () => {
    const { calls, flushes } = doubling();
    await calls.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    await calls.add(2);
    expect(flushes).toEqual([[1], [2]]);
  });

  it('rejects every call of the turn when sending throws', async () => {
    const calls = new SameTickCalls<number, number>(() => {
      throw new Error('no connection');
    });
    const results = await Promise.allSettled([calls.add(1), calls.add(2)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
