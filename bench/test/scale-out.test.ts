import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createAuctionHouse, createMemoryBackend } from '@outcry/core';
import { MemoryAuctionStore } from '@outcry/core/adapter-kit';
import { describe, expect, it } from 'vitest';
import { createCpuCaps } from '../src/cpu-caps.js';
import { type AcceptedBid, assertLedgersHold, checkLedgers } from '../src/ledger-check.js';
import { processCpuSeconds } from '../src/process-cpu.js';
import { hasRedisServer } from '../src/redis-servers.js';
import { runScaleOutSuite } from '../src/scale-out.js';
import { type HousePoint, meanOf } from '../src/scale-out-houses.js';
import { type HttpPoint, meanOfHttpPoints } from '../src/scale-out-http.js';

const servicesRequired = process.env.CI === 'true' || process.env.REQUIRE_SERVICES === '1';

describe('the ledger check', () => {
  async function floor() {
    const store = new MemoryAuctionStore();
    const house = createAuctionHouse({ backend: createMemoryBackend({ store }) });
    await house.start();
    const auction = await house.createAuction({
      sellerId: 'seller',
      title: 'Lamp',
      currency: 'USD',
      startingPrice: 1_000,
      endsAt: Date.now() + 60_000,
    });
    const accepted: AcceptedBid[] = [];
    for (let i = 1; i <= 5; i++) {
      const outcome = await house.placeBid({ auctionId: auction.id, bidderId: `b${i % 2}`, amount: 1_000 + i * 100 });
      if (outcome.status === 'accepted') accepted.push([auction.id, outcome.bidId]);
    }
    await house.stop();
    return { store, auctionId: auction.id, accepted };
  }

  it('passes when every accepted bid is in its ledger once', async () => {
    const { store, auctionId, accepted } = await floor();
    const check = await checkLedgers(store, [auctionId], accepted);
    expect(check).toMatchObject({ accepted: 5, inLedgers: 5, missing: 0, doubled: 0, unanswered: 0 });
    expect(() => assertLedgersHold(check, 0, 'test')).not.toThrow();
  });

  it('fails on a bid answered accepted that is not in the ledger, or answered twice', async () => {
    const { store, auctionId, accepted } = await floor();
    const lost = await checkLedgers(store, [auctionId], [...accepted, [auctionId, 'never-placed']]);
    expect(lost.missing).toBe(1);
    expect(() => assertLedgersHold(lost, 0, 'test')).toThrow(/1 accepted bids missing/);
    const twice = await checkLedgers(store, [auctionId], [...accepted, accepted[0] as AcceptedBid]);
    expect(twice.doubled).toBe(1);
    expect(() => assertLedgersHold(twice, 0, 'test')).toThrow(/1 bids doubled/);
  });

  it('fails on bids in the ledger that no caller was told were accepted, beyond the calls that failed', async () => {
    const { store, auctionId, accepted } = await floor();
    const check = await checkLedgers(store, [auctionId], accepted.slice(1));
    expect(check.unanswered).toBe(1);
    expect(() => assertLedgersHold(check, 0, 'test')).toThrow(/no caller was told/);
    expect(() => assertLedgersHold(check, 1, 'test')).not.toThrow();
  });
});

describe('CPU caps', () => {
  it('hold a busy process to its quota, and leave no cgroup behind', async () => {
    const caps = createCpuCaps();
    if (!caps.enabled) {
      // Where cgroups cannot be written (not root, no cpu controller), the caps say why and cap nothing.
      expect(caps.description).toMatch(/^uncapped: /);
      return;
    }
    const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    const pid = busy.pid as number;
    try {
      caps.cap(pid, 'busy', 0.2);
      const before = processCpuSeconds(pid);
      const started = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const used = processCpuSeconds(pid) - before;
      const wall = (performance.now() - started) / 1_000;
      // A ceiling, not a floor: a capped process can use less on a busy machine, never much more.
      expect(used / wall).toBeLessThan(0.2 * 1.25 + 0.02);
      const folder = caps.folder as string;
      expect(existsSync(folder)).toBe(true);
      // Released with the process still inside: it is moved out, then the groups are removed.
      caps.release();
      expect(existsSync(folder)).toBe(false);
      expect(existsSync(`/proc/${pid}`)).toBe(true);
    } finally {
      busy.kill('SIGKILL');
      caps.release();
    }
  });
});

describe('a point measured several times', () => {
  const point = (bidsPerSecond: number, cpu: number, p99Ms: number): HousePoint => ({
    processes: 1,
    bids: bidsPerSecond * 6,
    bidsPerSecond,
    p50Ms: p99Ms / 4,
    p99Ms,
    errors: 0,
    processCpuUsPerBid: [cpu],
    meanProcessCpuUsPerBid: cpu,
    processCores: [0.15],
    redisCpuUsPerBid: cpu / 2,
    redisCores: [0.1],
    redisBytesInPerBid: 900,
    redisBytesOutPerBid: 1,
    forwardedShare: 0,
    broadcastsPerBid: 0,
    averageBatch: 20,
    conflictShare: 0,
    writesPerBid: cpu / 1_000,
    readsPerBid: cpu / 2_000,
    loadAverage: 1,
    partitionMoves: 0,
    owned: [[0, 1, 2, 3]],
    ledger: {
      accepted: bidsPerSecond * 6,
      inLedgers: bidsPerSecond * 6,
      missing: 0,
      doubled: 0,
      unanswered: 0,
      examples: [],
    },
  });

  it('is the mean of the measurements: rates, CPU per bid and latencies, with every rate kept', () => {
    const all = meanOf([point(6_000, 20, 80), point(4_000, 30, 120), point(5_000, 40, 100)]);
    expect(all.bidsPerSecond).toBe(5_000);
    expect(all.meanProcessCpuUsPerBid).toBe(30);
    expect(all.processCpuUsPerBid).toEqual([30]);
    expect(all.redisCpuUsPerBid).toBe(15);
    expect(all.writesPerBid).toBeCloseTo(0.03, 12);
    expect(all.readsPerBid).toBeCloseTo(0.015, 12);
    expect([all.p50Ms, all.p99Ms]).toEqual([25, 100]);
    expect(all.bids).toBe(90_000);
    expect(all.repeats).toEqual([6_000, 4_000, 5_000]);
  });

  it('is the point itself when measured once, and refuses no measurement', () => {
    const once = point(6_000, 20, 80);
    expect(meanOf([once])).toBe(once);
    expect(() => meanOf([])).toThrow(/at least one point/);
  });
});

describe('an HTTP point measured several times', () => {
  const point = (bidsPerSecond: number, cpu: number, statuses: string, accepted: number): HttpPoint => ({
    servers: 1,
    connections: 50,
    bidsPerSecond,
    p50Ms: 10,
    p99Ms: cpu,
    serverCpuUsPerBid: cpu,
    redisCpuUsPerBid: cpu / 4,
    balancerCpuUsPerBid: 50,
    forwardedShare: 0,
    statuses,
    ledger: { accepted, inLedgers: accepted, missing: 0, doubled: 0, unanswered: 0, examples: [] },
    loadAverage: 1,
  });

  it('is the mean of the rates, CPU and latencies, with the statuses and ledger checks of every run added', () => {
    const all = meanOfHttpPoints([point(800, 200, '200:4800 409:2', 4_800), point(600, 300, '200:3600', 3_600)]);
    expect(all.bidsPerSecond).toBe(700);
    expect([all.serverCpuUsPerBid, all.redisCpuUsPerBid, all.p99Ms]).toEqual([250, 62.5, 250]);
    expect(all.statuses).toBe('200:8400 409:2');
    expect([all.ledger.accepted, all.ledger.inLedgers]).toEqual([8_400, 8_400]);
    expect(all.repeats).toEqual([800, 600]);
  });

  it('is the point itself when measured once, and refuses no measurement', () => {
    const once = point(800, 200, '200:4800', 4_800);
    expect(meanOfHttpPoints([once])).toBe(once);
    expect(() => meanOfHttpPoints([])).toThrow(/at least one point/);
  });
});

const redisServer = hasRedisServer();
if (!redisServer && servicesRequired) throw new Error('redis-server is not installed (CI=true or REQUIRE_SERVICES=1)');

describe.skipIf(!redisServer)('the scale-out suite, tiny', () => {
  it('measures each curve of house processes and what more partitions cost, checks every ledger, and removes its cgroups', async () => {
    const lines: string[] = [];
    const rows = await runScaleOutSuite({ mode: 'tiny', log: (line) => lines.push(line) });
    const points = rows.filter((row) => row.unit === 'bids/s');
    expect(points.map((row) => [row.details.scaleOutCurve, row.details.processes])).toEqual([
      ['spread', 1],
      ['spread', 2],
      ['spread-anywhere', 1],
      ['spread-anywhere', 2],
      ['routed', 1],
      ['routed', 2],
    ]);
    // What many partitions cost: one process with 8 against the same with the default 4.
    const partitionCost = rows.filter((row) => row.details.scaleOutCurve === 'partition-cost');
    expect(partitionCost.map((row) => [row.details.partitions, row.unit])).toEqual([[8, 'µs']]);
    const [lone] = partitionCost;
    expect(lone?.notes).toMatch(/each count twice in mirrored order \(4, 8, 8, 4\)/);
    expect([lone?.details.ledgerMissing, lone?.details.ledgerDoubled]).toEqual([0, 0]);
    expect(lone?.details.ledgerAccepted).toBeGreaterThan(0);
    for (const row of rows) {
      expect(Number.isFinite(row.figure) && row.figure > 0, row.name).toBe(true);
      expect(row.ratio).toBeCloseTo(row.figure / row.baselineFigure, 9);
    }
    for (const row of points) {
      expect(row.details.ledgerAccepted).toBeGreaterThan(0);
      expect([row.details.ledgerMissing, row.details.ledgerDoubled]).toEqual([0, 0]);
      expect(Number(row.details.processCpuUsPerBid)).toBeGreaterThan(0);
      expect(Number(row.details.redisCpuUsPerBid)).toBeGreaterThan(0);
      expect(String(row.details.partitionsOwned)).toMatch(/^\[/);
    }
    // Each curve's baseline is measured before and after each other point, which is compared
    // with the two runs either side of it.
    for (const row of points.filter((r) => r.details.processes === 1)) {
      expect(row.notes).toMatch(/measured before, between and after the curve's other points/);
      expect(row.baselineFigure).toBe(row.figure);
    }
    for (const row of points.filter((r) => r.details.processes === 2)) {
      const lone = points.find(
        (r) => r.details.scaleOutCurve === row.details.scaleOutCurve && r.details.processes === 1,
      );
      expect(row.notes).toMatch(/compared with one process measured just before and just after it/);
      expect(row.baselineFigure).toBe(row.details.baselineBidsPerSecond);
      // With one other point, its two neighbours are all the curve's one-process runs.
      expect(row.baselineFigure).toBeCloseTo(Number(lone?.figure), 9);
    }
    // Three curves with one process twice each, the partition block (4, 8, 8, 4) and the read
    // block (alone, beside, beside, alone).
    expect(lines.filter((line) => / 1 process: /.test(line))).toHaveLength(12);
    // Beside a second house bidding on its auctions, a house judging bids where they land reads
    // the states of its batches: Redis sends back a state (150 bytes and more) for most of its
    // bids, on top of what it sends the house alone (in the tiny suite, tens of bytes a bid).
    const readCost = rows.filter((row) => row.details.scaleOutCurve === 'read-cost');
    expect(readCost).toHaveLength(1);
    const [reads] = readCost;
    expect(reads?.notes).toMatch(/measured in one block \(alone, beside, beside, alone\)/);
    expect(Number(reads?.details.redisBytesOutPerBid)).toBeGreaterThan(
      Number(reads?.details.aloneRedisBytesOutPerBid) + 100,
    );
    expect([reads?.details.ledgerMissing, reads?.details.ledgerDoubled]).toEqual([0, 0]);
    // A trip of one command costs a capped process more CPU a command than ten sent in one trip.
    const [trip] = rows.filter((row) => row.details.scaleOutCurve === 'round-trip');
    expect(trip?.notes).toMatch(/measured in one block \(1, 10, 10, 1 a trip\)/);
    expect(Number(trip?.details.batchedCpuUsPerCommand)).toBeGreaterThan(0);
    expect(Number(trip?.figure)).toBeGreaterThan(Number(trip?.details.batchedCpuUsPerCommand));
    // Every point counts its processes' system calls a bid (Linux): a bid's commit shares a write
    // and a read at least, so neither is zero.
    if (existsSync('/proc/self/io'))
      for (const row of points) {
        expect(Number(row.details.writesPerBid)).toBeGreaterThan(0);
        expect(Number(row.details.readsPerBid)).toBeGreaterThan(0);
      }
    // Bids judged where they land are never handed to another process.
    for (const row of points.filter((r) => r.details.scaleOutCurve === 'spread-anywhere'))
      expect(row.details.forwardedShare).toBe(0);
    // Only bids judged where they land can lose a race to another process's commit.
    for (const row of points.filter((r) => r.details.scaleOutCurve !== 'spread-anywhere'))
      expect(row.details.conflictShare).toBe(0);
    for (const row of points) expect(row.notes).toMatch(/% of them refused because another process committed first/);
    expect(lines[0]).toMatch(/^CPU caps: /);
    const folder = /\((\/sys\/fs\/cgroup[^)]*)\)/.exec(lines[0] ?? '')?.[1];
    if (folder !== undefined) expect(existsSync(`${folder}/outcry-bench-${process.pid}`)).toBe(false);
  }, 120_000);
});
