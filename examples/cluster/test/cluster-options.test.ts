import { describe, expect, it } from 'vitest';
import { parseClusterOptions } from '../src/cluster-options.js';

describe('the launcher options', () => {
  it('route bids to their owner unless told otherwise', () => {
    expect(parseClusterOptions([], {}).routeBids).toBe('owner');
    expect(parseClusterOptions(['--route-bids=any'], {}).routeBids).toBe('any');
  });

  it('name a bad --route-bids with what it accepts', () => {
    expect(() => parseClusterOptions(['--route-bids=nearest'], {})).toThrow(/--route-bids: .*"owner".*"any"/);
  });
});
