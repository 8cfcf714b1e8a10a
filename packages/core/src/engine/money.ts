import type { Money } from './types.js';

/** A valid amount of money: a safe integer of minor units, never negative, never fractional. */
export function isMoney(value: unknown): value is Money {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
