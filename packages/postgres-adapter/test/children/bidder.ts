// A process that bids through an AuctionHouse on PostgreSQL and reports every outcome on stdout
// as soon as it has it: `accepted <bidId> <auctionId>` or `rejected <bidId> <code>`. Tests kill it
// or let it finish. Environment: DATABASE_URL, SCHEMA, AUCTIONS (comma-separated ids), PARTITIONS,
// HOUSE_ID, BIDDER_PREFIX, BIDS (how many, 0 = until killed), CONCURRENCY, LEASE_TTL_MS.
import { createAuctionHouse } from '@outcry/core';
import { createPostgresAdapters } from '@outcry/postgres-adapter';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const adapters = createPostgresAdapters({
  connectionString: env('DATABASE_URL'),
  schema: env('SCHEMA'),
  partitions: Number(env('PARTITIONS', '4')),
  poolSize: 6,
});
const house = createAuctionHouse({
  backend: adapters,
  houseId: env('HOUSE_ID'),
  leaseTtlMs: Number(env('LEASE_TTL_MS', '1000')),
  answerTimeoutMs: 20_000,
});
await house.start();
const auctions = env('AUCTIONS').split(',');
const total = Number(env('BIDS', '0'));
const concurrency = Number(env('CONCURRENCY', '8'));
const prefix = env('BIDDER_PREFIX', 'p');
const houseId = env('HOUSE_ID');
process.stdout.write('ready\n');
if (process.env.WAIT_FOR_GO === '1') {
  // A start line on stdin: several children begin bidding together.
  const { createInterface } = await import('node:readline');
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
}

let sent = 0;
// Amounts rise with the clock, not with this process's own count of bids: a process whose bids
// are judged sooner (it owns their partition) must not outrun the other one's amounts.
const startedAt = Date.now();
async function worker(w: number): Promise<void> {
  while (total === 0 || sent < total) {
    const n = sent++;
    const auctionId = auctions[n % auctions.length] as string;
    const amount = 1_000 + (Date.now() - startedAt) * 2 + Math.floor(Math.random() * 200);
    const bidId = `${houseId}-${n}`;
    try {
      const outcome = await house.placeBid({ auctionId, bidderId: `${prefix}${w % 5}`, amount, bidId });
      process.stdout.write(
        outcome.status === 'accepted' ? `accepted ${bidId} ${auctionId}\n` : `rejected ${bidId} ${outcome.code}\n`,
      );
    } catch (error) {
      const cause = (error as { cause?: { cause?: Error; message?: string } }).cause;
      const detail = (cause?.cause?.message ?? cause?.message ?? '').replaceAll('\n', ' ');
      process.stdout.write(`error ${bidId} ${(error as { code?: string }).code ?? 'unknown'} ${detail}\n`);
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
process.stdout.write('done\n');
await house.stop();
await adapters.close();
process.stdout.write('stopped\n');
