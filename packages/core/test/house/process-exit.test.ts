import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const source = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'index.ts')).href;

describe('an in-memory house that is never stopped', () => {
  it('does not keep the process alive once the script is done', () => {
    const folder = mkdtempSync(join(tmpdir(), 'outcry-exit-'));
    const script = join(folder, 'never-stopped.mts');
    writeFileSync(
      script,
      `import { createAuctionHouse } from ${JSON.stringify(source)};
const house = createAuctionHouse();
await house.start();
const auction = await house.createAuction({
  sellerId: 'alice', title: 'Guitar', currency: 'USD', startingPrice: 1_000,
  endsAt: Date.now() + 3_600_000, softClose: { windowMs: 60_000, extendMs: 60_000 },
});
const outcome = await house.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 2_500 });
console.log(outcome.status);
`,
    );
    try {
      const started = Date.now();
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe('accepted');
      expect(run.status).toBe(0);
      // The auction runs for an hour and the house was never stopped: the process still ends.
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
