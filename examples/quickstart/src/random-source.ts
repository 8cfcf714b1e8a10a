/** A source of numbers in [0, 1); seeded so that a run's bot personalities can be replayed. */
export type RandomSource = () => number;

/** A small seeded generator (mulberry32): good enough for bots, not for anything secret. */
export function createRandomSource(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A whole number from `min` to `max`, both included. */
export function randomBetween(random: RandomSource, min: number, max: number): number {
  return Math.floor(min + random() * (max - min + 1));
}
