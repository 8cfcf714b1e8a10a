import { describe, expect, it } from 'vitest';
import { numberAfter } from '../src/ws-fanout.js';

// The subscribers read `at`, `seq` and the due time from a message's bytes instead of running
// regexes on its text: they must find the same numbers the regexes did.
const regexes = { at: /"at":(\d+)/, seq: /"seq":(\d+)/, due: /"bidId":"d(\d+)-/ };
const keys = { at: Buffer.from('"at":'), seq: Buffer.from('"seq":'), due: Buffer.from('"bidId":"d') };

function byRegex(text: string, which: keyof typeof regexes): number {
  const match = regexes[which].exec(text);
  return match === null ? -1 : Number(match[1]);
}

function byBytes(text: string, which: keyof typeof keys): number {
  return numberAfter(Buffer.from(text), keys[which], which === 'due' ? 0x2d : -1);
}

describe('numberAfter', () => {
  const messages = [
    '{"type":"event","event":{"type":"bid.accepted","auctionId":"a1","seq":17,"at":1750000000123,"bidId":"d1750000000100-42","bidderId":"bob"}}',
    '{"type":"event","event":{"type":"bid.accepted","seq":3,"at":1750000000456,"pad":"xxxx"}}',
    // A key with no number, then one with: the regex skips the first.
    '{"at":null,"note":"é","seq":"x","event":{"seq":9,"at":12,"bidId":"d77x","bidId":"d88-1"}}',
    '{"type":"event","event":{"bidId":"b5","at":1}}',
    '{"type":"snapshot","seq":1}',
    '',
    '"at":',
  ];

  it('finds what the regexes find in each message', () => {
    for (const text of messages) {
      for (const which of ['at', 'seq', 'due'] as const) {
        expect(byBytes(text, which), `${which} in ${text}`).toBe(byRegex(text, which));
      }
    }
  });

  it('reads the digits, the due time needing its dash', () => {
    expect(byBytes(messages[0] as string, 'at')).toBe(1_750_000_000_123);
    expect(byBytes(messages[2] as string, 'due')).toBe(88);
    expect(byBytes(messages[3] as string, 'due')).toBe(-1);
  });
});
