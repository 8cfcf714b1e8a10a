import type { IncrementRule, IncrementStep, Money } from './types.js';

/**
 * The common online-auction table, in minor units: 5 cents under $1 ... $100 from $5,000.
 * Used for any currency unless the auction brings its own table.
 */
export const DEFAULT_INCREMENT_TABLE: readonly IncrementStep[] = Object.freeze([
  { from: 0, amount: 5 },
  { from: 100, amount: 25 },
  { from: 500, amount: 50 },
  { from: 2_500, amount: 100 },
  { from: 10_000, amount: 250 },
  { from: 25_000, amount: 500 },
  { from: 50_000, amount: 1_000 },
  { from: 100_000, amount: 2_500 },
  { from: 250_000, amount: 5_000 },
  { from: 500_000, amount: 10_000 },
]);

/** The step by which a bid must rise above `price`. */
export function incrementFor(rule: IncrementRule, price: Money): Money {
  if (rule.type === 'fixed') return rule.amount;
  const steps = rule.steps;
  // Tables are short and ascending: a backwards scan finds the step without allocating.
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i] as IncrementStep;
    if (price >= step.from) return step.amount;
  }
  return (steps[0] as IncrementStep).amount;
}
