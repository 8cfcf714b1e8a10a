import { describe, expect, it } from 'vitest';
import { OutcryError } from '../../src/errors.js';
import { HouseHealthTracker } from '../../src/house/house-health.js';

const AFTER_MS = 1_000;
const down = new OutcryError('UNAVAILABLE', 'connect ECONNREFUSED');

/** A tracker whose partition 2 had its lease renewal fail for longer than `AFTER_MS` while owned. */
function renewalFailedLongAgo(): HouseHealthTracker {
  const tracker = new HouseHealthTracker(AFTER_MS);
  tracker.failed('renew', 2, down, 0);
  tracker.failed('renew', 2, down, 500);
  return tracker;
}

describe('what a house saw of the lock, once it no longer owns the partition', () => {
  it('a renewal that failed while the partition was owned makes it unavailable once not owned, until forgotten', () => {
    const tracker = renewalFailedLongAgo();
    // Owned, a failed renewal is no outage of the partition: its commits say whether it serves.
    expect(tracker.unavailable(2, true, 0, 2_000)).toBeNull();
    expect(tracker.unavailable(2, false, 0, 2_000)).toMatchObject({ operation: 'renew', partition: 2 });
    tracker.forget(2);
    expect(tracker.unavailable(2, false, 0, 2_000)).toBeNull();
    expect(tracker.clear).toBe(true);
  });

  it('the lock answering clears the troubles of partitions not owned here, and keeps those of owned ones', () => {
    const tracker = renewalFailedLongAgo();
    tracker.failed('acquire', 3, down, 100);
    tracker.failed('commit', 1, down, 100);
    const owned = new Set([2]);
    const cleared = tracker.lockAnswered((partition) => owned.has(partition));
    expect(cleared.map((trouble) => [trouble.operation, trouble.partition])).toEqual([['acquire', 3]]);
    expect(tracker.unavailable(3, false, 0, 2_000)?.dependency).not.toBe('lock');
    expect(
      tracker
        .all()
        .map((trouble) => `${trouble.operation}:${trouble.partition}`)
        .sort(),
    ).toEqual(['commit:1', 'renew:2']);
  });
});
