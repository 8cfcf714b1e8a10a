import type { Clock } from '../ports/clock.js';

/** A clock a test moves by hand; a house given it judges every command by it. */
export interface FakeClock extends Clock {
  set(at: number): void;
  advance(ms: number): void;
}

/** A FakeClock standing at `start` (2026-01-01 by default) until it is moved. */
export function createFakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let now = start;
  return {
    now: () => now,
    set: (at) => {
      now = at;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}
