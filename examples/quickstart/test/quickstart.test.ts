import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../src/format-money.js';
import { runQuickstart } from '../src/run-quickstart.js';

/** A writable that keeps everything written to it. */
function collectingOutput(): { output: Writable; text: () => string } {
  const chunks: string[] = [];
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { output, text: () => chunks.join('') };
}

describe('quickstart', () => {
  it('runs a whole auction in fast mode and reports what the house holds', async () => {
    const { output, text } = collectingOutput();
    const started = Date.now();
    const result = await runQuickstart({ fast: true, output, seed: 7 });
    const printed = text();

    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.interrupted).toBe(false);
    expect(result.bidsAccepted).toBeGreaterThan(0);
    expect(result.stats.bidCount).toBe(result.auction.bidCount);
    expect(result.stats.bidCount).toBeGreaterThanOrEqual(result.bidsAccepted);

    // Not a terminal: plain lines, no escapes.
    expect(printed).not.toContain('\u001b[');
    expect(printed).toMatch(/^\[\d\d:\d\d\.\d\] BID {6}\S+ bid: /m);
    expect(printed).toMatch(/^RESULT: /m);
    expect(printed).toContain(result.resultLine);

    const { auction } = result;
    expect(auction.status).toBe('closed');
    expect(auction.extensions).toBeLessThanOrEqual(2);
    const outcome = auction.result;
    expect(outcome).not.toBeNull();
    if (outcome === null) return;
    expect(outcome.price).toBe(auction.price);
    if (outcome.outcome === 'sold') {
      expect(auction.reserveMet).toBe(true);
      expect(outcome.winnerId).toBe(auction.leaderId);
      expect(result.resultLine).toBe(`RESULT: SOLD to ${auction.leaderId} for ${formatMoney(auction.price, 'USD')}`);
    } else {
      expect(outcome.outcome).toBe('reserve-not-met');
      expect(auction.reserveMet).toBe(false);
      expect(outcome.winnerId).toBeNull();
    }
  });

  it('redraws in place when asked for the live view, and stops cleanly when interrupted', async () => {
    const { output, text } = collectingOutput();
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 1_000);
    const result = await runQuickstart({
      fast: true,
      output,
      live: true,
      color: false,
      seed: 3,
      signal: interrupt.signal,
    });
    const printed = text();

    expect(result.interrupted).toBe(true);
    expect(result.auction.status).toBe('open');
    expect(printed).toMatch(/\u001b\[\d+A/);
    expect(printed).toContain('Price');
    expect(printed).toContain('RESULT: interrupted');
    expect(printed.endsWith('\u001b[?25h')).toBe(true);
  });
});

describe('formatMoney', () => {
  it('shows integer minor units in the currency', () => {
    expect(formatMoney(1_250, 'USD')).toBe('$12.50');
    expect(formatMoney(123_456_700, 'USD')).toBe('$1,234,567.00');
    expect(formatMoney(1_250, 'JPY')).toBe('¥1,250');
  });
});
