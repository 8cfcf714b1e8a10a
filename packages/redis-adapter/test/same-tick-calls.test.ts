import { describe, expect, it } from 'vitest';
import { SameTickCalls, sendTogether, type WaitingCall } from '../src/same-tick-calls.js';

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

  it('sendTogether: one command for several, one alone for a single call, each again after a whole failure', async () => {
    const sent: string[] = [];
    let failTogether = false;
    const calls = new SameTickCalls<number, number>((waiting) =>
      sendTogether(waiting, {
        together: async (items) => {
          sent.push(`together ${items.join(',')}`);
          if (failTogether) throw new Error('refused as a whole');
          return items.map((n) => n * 10);
        },
        alone: async (n) => {
          sent.push(`alone ${n}`);
          return n;
        },
        again: async (n) => {
          sent.push(`again ${n}`);
          if (n === 2) throw new Error('refused on its own');
          return -n;
        },
      }),
    );
    expect(await Promise.all([calls.add(1), calls.add(2)])).toEqual([10, 20]);
    expect(await calls.add(3)).toBe(3);
    failTogether = true;
    const results = await Promise.allSettled([calls.add(1), calls.add(2), calls.add(4)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([-1, 'rejected', -4]);
    expect(sent).toEqual(['together 1,2', 'alone 3', 'together 1,2,4', 'again 1', 'again 2', 'again 4']);
  });
});
