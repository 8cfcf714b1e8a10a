import type { AuctionState } from '../engine/types.js';
import type { PartitionClaim } from '../ports/auction-store.js';
import type { PartitionFencing, SolePublisher } from '../ports/backend.js';
import type { Lease, Lock } from '../ports/lock.js';
import { commitFailureOf } from './commit-failure.js';
import type { DeadlineScheduler } from './deadline-scheduler.js';
import type { DirectIntake } from './direct-intake.js';
import type { HealthMonitor, OwnedPartitions } from './health-monitor.js';
import { HousePresence } from './house-presence.js';
import type { Lifecycle } from './lifecycle.js';
import { partitionOf } from './partition-of.js';
import type { Sequencer } from './sequencer.js';
import type { PartitionSignals } from './sequencer-links.js';

/** How soon a house under its fair share of partitions looks for free ones again. */
const CLAIM_AGAIN_MS = 250;
/** A house that stands aside does so for this many leases at first, doubling to the most. */
const ASIDE_LEASES = { first: 1, most: 8 };
/**
 * Leases of failures in a row (of takes, or of a partition's commits) before a house stands
 * aside or gives the partition up: a whole backend restarting fails every house for a few
 * seconds, and houses that moved partitions then would only slow its recovery.
 */
export const FAILING_LEASES_BEFORE_GIVING_UP = 3;

export interface PartitionOwnershipOptions {
  readonly houseId: string;
  readonly partitions: number;
  readonly leaseTtlMs: number;
  readonly presenceSlots: number;
  readonly lock: Lock;
  readonly fencing: PartitionFencing | undefined;
  readonly solePublisher: SolePublisher | undefined;
  /** Receives the bids other houses hand to the partitions this house owns, when the backend can. */
  readonly intake: DirectIntake | undefined;
  readonly lifecycle: Lifecycle;
  readonly health: HealthMonitor;
  readonly scheduler: DeadlineScheduler;
  /** A sequencer for a partition whose lease this house just took, not started yet. */
  readonly newSequencer: (partition: number, lease: Lease) => Sequencer;
}

/**
 * The partitions this house owns: their leases (taken, renewed, handed over, lost), a fair
 * share among the houses present, and a running sequencer for each.
 */
export class PartitionOwnership implements PartitionSignals, OwnedPartitions {
  readonly #options: PartitionOwnershipOptions;
  readonly #sequencers = new Map<number, Sequencer>();
  /** Partitions whose messages only this house publishes now (see fenced). */
  readonly #sole = new Set<number>();
  readonly #presence: HousePresence;
  #claiming = false;
  #renewing = false;
  #lastHouseCount: number | null = null;
  /** Set while this house stands aside (see #standAside): until when, and for how long this time. */
  #aside: { until: number; forMs: number } | null = null;
  /** The takes failing in a row: when the first and the last failed (Date.now); null after one that succeeds. */
  #takeFailures: { since: number; lastAt: number } | null = null;
  readonly #timers: { claim?: NodeJS.Timeout; renew?: NodeJS.Timeout } = {};
  #soonTimer: NodeJS.Timeout | null = null;
  /** Failed lock calls and failed starts. */
  failures = 0;

  constructor(options: PartitionOwnershipOptions) {
    this.#options = options;
    this.#presence = new HousePresence(options.lock, options.houseId, options.presenceSlots);
  }

  sequencerOf(partition: number): Sequencer | undefined {
    return this.#sequencers.get(partition);
  }

  /** The state this house's sequencer of the auction's partition holds, or undefined. */
  stateOf(auctionId: string): AuctionState | undefined {
    return this.#sequencers.get(partitionOf(auctionId, this.#options.partitions))?.stateOf(auctionId);
  }

  owns(partition: number): boolean {
    return this.#sequencers.has(partition);
  }

  owned(): number[] {
    return [...this.#sequencers.keys()].sort((a, b) => a - b);
  }

  landedAt(): number {
    let landedAt = 0;
    for (const sequencer of this.#sequencers.values()) landedAt = Math.max(landedAt, sequencer.landedAt);
    return landedAt;
  }

  /** Auctions held in the memory of this house's sequencers. */
  auctionsInMemory(): number {
    let count = 0;
    for (const sequencer of this.#sequencers.values()) count += sequencer.auctionCount;
    return count;
  }

  /**
   * Take the free partitions up to a fair share, then look again every third of a lease; renew
   * the leases held every third of a lease too, on a rhythm of their own: a busy process's count
   * of the houses present (one lock call after another) can take longer than a lease lasts, and
   * renewals that waited for it would let the leases lapse.
   */
  async start(): Promise<void> {
    await this.#claimPartitions();
    this.#repeat('claim', () => this.#claimPartitions());
    this.#repeat('renew', () => this.#renewAll());
  }

  /**
   * Runs `work` a third of a lease after each run ends, while the house runs. Each house keeps its
   * own rhythm (±20%): houses started together would otherwise probe the presence slots at the
   * same instants and see each other's probes as houses.
   */
  #repeat(name: 'claim' | 'renew', work: () => Promise<void>): void {
    const every = Math.max(50, Math.floor(this.#options.leaseTtlMs / 3));
    const timer = setTimeout(
      () => {
        void work().finally(() => {
          if (this.#options.lifecycle.running) this.#repeat(name, work);
        });
      },
      every * (0.8 + 0.4 * Math.random()),
    );
    timer.unref();
    this.#timers[name] = timer;
  }

  /** Stop every sequencer (each finishes its batch in hand), then give the leases up. */
  async stop(): Promise<void> {
    clearTimeout(this.#timers.claim);
    clearTimeout(this.#timers.renew);
    if (this.#soonTimer) clearTimeout(this.#soonTimer);
    const sequencers = [...this.#sequencers.values()];
    this.#sequencers.clear();
    await this.#options.intake?.closeAll();
    await Promise.all([...this.#sole].map((partition) => this.#hearOthers(partition)));
    await Promise.all(sequencers.map((s) => s.stop()));
    await Promise.all(sequencers.map((s) => this.#options.lock.release(s.lease).catch(() => false)));
    await this.#presence.leave();
  }

  /**
   * Every third of a lease: count the houses present, hand over partitions above a fair share
   * (ceil(P / houses)) and take free ones up to it. A house that dies stops counting once its
   * presence lease expires, and the others share its partitions.
   */
  async #claimPartitions(): Promise<void> {
    const { lifecycle, leaseTtlMs: ttl, partitions, presenceSlots, health } = this.#options;
    if (!lifecycle.running || this.#claiming) return;
    this.#claiming = true;
    try {
      // A probe can catch another house's probe mid-way and count it once too often: the share
      // follows the smaller of the last two counts, so one odd count moves nothing.
      const aside = this.#aside !== null && Date.now() < this.#aside.until;
      const counted = await this.#presence.count(ttl, !aside).then(
        (count) => {
          health.lockAnswered();
          return count;
        },
        () => 1,
      );
      const houses = Math.min(counted, this.#lastHouseCount ?? counted);
      this.#lastHouseCount = counted;
      // Standing aside, the count is of the others: a house alone takes every free partition.
      const share = Math.ceil(partitions / Math.max(1, houses));
      // Handing over and starting run beside the claim loop, so that a slow stop or load never
      // holds up the next count.
      for (const partition of this.owned().slice(share)) {
        // Its next owner judges its commands now: what this house saw of its store is old news.
        health.forget(partition);
        void this.#handOver(partition);
      }
      const offset = Math.floor(((this.#presence.slot ?? 0) * partitions) / presenceSlots);
      for (let i = 0; i < partitions && this.#sequencers.size < share; i++) {
        const partition = (offset + i) % partitions;
        if (!this.#sequencers.has(partition)) await this.#take(partition, ttl);
      }
      // Under its share, a house looks again soon: partitions handed over by others sit
      // unowned (their commands waiting) until someone takes them.
      if (this.#sequencers.size < share) this.#claimSoon();
    } finally {
      this.#claiming = false;
    }
  }

  /** Look for free partitions in a moment rather than at the next renewal. */
  #claimSoon(): void {
    if (this.#soonTimer !== null || !this.#options.lifecycle.running) return;
    this.#soonTimer = setTimeout(() => {
      this.#soonTimer = null;
      void this.#claimPartitions();
    }, CLAIM_AGAIN_MS);
    this.#soonTimer.unref();
  }

  /** Renew every lease this house holds, its presence slot too, all at once; a round still running is not doubled. */
  async #renewAll(): Promise<void> {
    if (!this.#options.lifecycle.running || this.#renewing) return;
    this.#renewing = true;
    try {
      const ttl = this.#options.leaseTtlMs;
      const presence = this.#presence.keep(ttl).then(
        () => this.#options.health.lockAnswered(),
        () => {
          this.failures++;
        },
      );
      await Promise.all([...this.#sequencers.values()].map((sequencer) => this.#renew(sequencer, ttl)));
      await presence;
    } finally {
      this.#renewing = false;
    }
  }

  /**
   * A renewal answered after its partition was handed over says nothing about this house's
   * partitions: a failure recorded then would stay, with no renewal left to clear it, and make
   * the partition look unavailable here while another house serves it.
   */
  async #renew(sequencer: Sequencer, ttl: number): Promise<void> {
    const { partition } = sequencer;
    try {
      const renewed = await this.#options.lock.renew(sequencer.lease, ttl);
      this.#options.health.lockAnswered();
      if (this.#sequencers.get(partition) !== sequencer) return;
      this.#options.health.recovered('lock', partition);
      if (renewed === null) this.lost(partition);
      else sequencer.lease = renewed;
    } catch (error) {
      this.failures++;
      if (this.#sequencers.get(partition) === sequencer) this.#options.health.failed('renew', partition, error);
    }
  }

  async #take(partition: number, ttl: number): Promise<void> {
    const { health, lifecycle, lock } = this.#options;
    try {
      const lease = await this.#acquireClaimed(partition, ttl);
      // The partition is not owned here: its failed takes are cleared with the others'.
      health.lockAnswered();
      if (lease === null) {
        // Another house owns it: what this house saw of its store there is old news.
        health.recovered('store', partition);
        return;
      }
      if (!lifecycle.running) {
        await lock.release(lease);
        return;
      }
      const sequencer = this.#options.newSequencer(partition, lease);
      this.#sequencers.set(partition, sequencer);
      sequencer.start().then(
        () => {
          this.#aside = null;
          this.#takeFailures = null;
          health.recovered('store', partition);
          if (this.#sequencers.get(partition) === sequencer) this.#options.intake?.open(partition);
        },
        (error: unknown) => {
          this.failures++;
          health.failed('start', partition, error);
          this.#takeFailed();
          if (this.#sequencers.get(partition) === sequencer) void this.#handOver(partition);
        },
      );
    } catch (error) {
      this.failures++;
      health.failed('acquire', partition, error);
      this.#takeFailed();
    }
  }

  /**
   * A take failed: after three leases of failed takes in a row, this house stands aside. Failures
   * more than a lease apart are not in a row (a house that fails keeps trying every claim round).
   */
  #takeFailed(): void {
    const now = Date.now();
    const ttl = this.#options.leaseTtlMs;
    let failures = this.#takeFailures;
    if (failures === null || now - failures.lastAt > ttl) failures = { since: now, lastAt: now };
    failures.lastAt = now;
    this.#takeFailures = failures;
    if (now - failures.since >= FAILING_LEASES_BEFORE_GIVING_UP * ttl) this.#standAside();
  }

  /**
   * This house could not take partitions for three leases (its lock calls, the store's claims or
   * the loads failed), or gave one up whose commits kept failing that long: it leaves the count of
   * houses for a while, so that the houses that can take its share do, instead of that share
   * waiting for it. Meanwhile it still takes partitions nobody holds, and a take that succeeds
   * ends it; otherwise it joins again when the time is up, and a failure after that stands it
   * aside twice as long (one lease at first, eight at most).
   */
  #standAside(): void {
    const now = Date.now();
    if (this.#aside !== null && now < this.#aside.until) return;
    const ttl = this.#options.leaseTtlMs;
    const forMs =
      this.#aside === null ? ASIDE_LEASES.first * ttl : Math.min(2 * this.#aside.forMs, ASIDE_LEASES.most * ttl);
    this.#aside = { until: now + forMs, forMs };
    void this.#presence.leave();
  }

  /**
   * A lease on the partition whose token the store has claimed as its highest, so that every
   * older owner is fenced off before this house reads anything. A lock that lost its data (a
   * restarted server) hands out tokens the store has seen: such a lease is given back at once
   * and the lock asked for a token above the store's. Null when the key is held.
   */
  async #acquireClaimed(partition: number, ttl: number): Promise<Lease | null> {
    const { lock, fencing, houseId } = this.#options;
    const key = `partition:${partition}`;
    let minToken: number | undefined;
    // Twice is enough for a lock that honours minToken; one that does not waits for the next round.
    for (let attempt = 0; attempt < 2; attempt++) {
      const lease = await lock.acquire(key, houseId, ttl, { minToken });
      if (lease === null || fencing === undefined) return lease;
      let claim: PartitionClaim;
      try {
        claim = await fencing.claimPartition(partition, lease.token);
      } catch (error) {
        await lock.release(lease).catch(() => false);
        throw error;
      }
      if (claim.claimed) return lease;
      await lock.release(lease).catch(() => false);
      minToken = claim.highestToken + 1;
    }
    return null;
  }

  /**
   * This house alone publishes for the partition now: its broadcaster may stop hearing the
   * partition from the other processes, which would only send its own messages back.
   */
  fenced(partition: number): void {
    if (!this.#sequencers.has(partition) || this.#sole.has(partition)) return;
    this.#sole.add(partition);
    this.#options.solePublisher?.setSolePublisher(partition, true).catch((error: unknown) => {
      this.#options.health.problem('publish', partition, error);
    });
  }

  /** Hear the partition from other processes again: its next owner publishes there. */
  async #hearOthers(partition: number): Promise<void> {
    if (!this.#sole.delete(partition)) return;
    await this.#options.solePublisher?.setSolePublisher(partition, false).catch((error: unknown) => {
      this.#options.health.problem('publish', partition, error);
    });
  }

  /** Give a partition up in good order: finish the batch in hand, then free the lease. */
  async #handOver(partition: number): Promise<void> {
    const sequencer = this.#sequencers.get(partition);
    if (sequencer === undefined) return;
    this.#sequencers.delete(partition);
    await Promise.all([this.#options.intake?.close(partition), this.#hearOthers(partition)]);
    this.#options.scheduler.disarm(sequencer.auctionIds());
    await sequencer.stop().catch(() => undefined);
    await this.#options.lock.release(sequencer.lease).catch(() => false);
  }

  /**
   * A lost partition's memory is dropped: its new owner reloads from the store. The lease is
   * given back as soon as the sequencer stopped (when still held, as after a refused commit),
   * and free partitions are looked for soon, so that the next owner, this house or another,
   * need not wait for an expiry or a renewal.
   */
  lost(partition: number, error?: unknown): void {
    const sequencer = this.#sequencers.get(partition);
    if (sequencer === undefined) return;
    // Given up because the store kept failing this house, not taken by a newer owner.
    if (error !== undefined && commitFailureOf(error) !== 'stale') this.#standAside();
    this.#sequencers.delete(partition);
    this.#options.health.forget(partition);
    void this.#options.intake?.close(partition);
    void this.#hearOthers(partition);
    this.#options.scheduler.disarm(sequencer.auctionIds());
    // Released once stopped: the sequencer first drops its queue reads, as in a hand-over.
    void sequencer
      .stop()
      .catch(() => undefined)
      .then(() => this.#options.lock.release(sequencer.lease))
      .catch(() => false);
    this.#claimSoon();
  }
}
