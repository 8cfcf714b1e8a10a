import type { Money } from './types.js';

/**
 * The largest amount of money any input may carry: 10^15 minor units. A price is at most this,
 * and so is an increment, so price + increment (the next minimum bid) stays below 2 * 10^15, well
 * within the integers a double holds exactly.
 */
export const MAX_AMOUNT = 1_000_000_000_000_000;

/** A valid amount of money: an integer of minor units, from 0 to MAX_AMOUNT. */
export function isMoney(value: unknown): value is Money {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_AMOUNT;
}
