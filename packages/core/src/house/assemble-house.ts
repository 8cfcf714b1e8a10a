import { CommandRouter } from './command-router.js';
import { DeadlineScheduler } from './deadline-scheduler.js';
import { DirectIntake } from './direct-intake.js';
import { EventHub } from './event-hub.js';
import { HealthMonitor } from './health-monitor.js';
import type { HouseSettings } from './house-options.js';
import { HouseReads } from './house-reads.js';
import type { HouseMetrics } from './house-types.js';
import { LandingJudge, LandingJudges } from './landing-judge.js';
import { Lifecycle } from './lifecycle.js';
import { FAILING_LEASES_BEFORE_GIVING_UP, PartitionOwnership } from './partition-ownership.js';
import { PendingAnswers } from './pending-answers.js';
import { Sequencer } from './sequencer.js';
import type { SequencerEnvironment, SequencerLinks } from './sequencer-links.js';
import { createSequencerStats, type SequencerStats } from './sequencer-stats.js';

/** Waiting commands are split over free commit slots only in shares of at least this many. */
const MIN_PIPELINED_BATCH = 16;

/** The first pause after a failed store call; doubled after each failure in a row. */
const RETRY_DELAY_MS = 50;

/** The collaborators of one house, each with one job. */
export interface HouseParts {
  readonly settings: HouseSettings;
  readonly lifecycle: Lifecycle;
  readonly stats: SequencerStats;
  readonly pending: PendingAnswers;
  readonly events: EventHub;
  readonly health: HealthMonitor;
  readonly router: CommandRouter;
  readonly scheduler: DeadlineScheduler;
  readonly ownership: PartitionOwnership;
  /** Bids judged where they land (`bidJudging: 'anywhere'`); null when owners judge them. */
  readonly landing: LandingJudges | null;
  readonly reads: HouseReads;
}

/** Builds the collaborators of a house and wires them to each other. */
export function assembleHouse(settings: HouseSettings): HouseParts {
  const { backend, clock, houseId } = settings;
  const { store, queue, lock, cache, capabilities } = backend;
  const direct = capabilities.directCommands ? backend.directCommands : undefined;
  const lifecycle = new Lifecycle();
  const stats = createSequencerStats();
  const pending = new PendingAnswers();
  const events: EventHub = new EventHub({
    houseId,
    logger: settings.logger,
    cache,
    cacheShared: capabilities.cacheShared,
    partitions: settings.partitions,
    broadcaster: backend.broadcaster,
    problem: (operation, partition, error) => health.problem(operation, partition, error),
  });
  const health: HealthMonitor = new HealthMonitor({
    ...settings,
    lifecycle,
    events,
    stats,
    pending,
    partitionsOwned: {
      owns: (p) => ownership.owns(p),
      owned: () => ownership.owned(),
      landedAt: () => ownership.landedAt(),
    },
  });
  // Bids judged where they land carry the partition's token, read from the store's fencing.
  const landingFencing = settings.bidJudging === 'anywhere' ? backend.fencing : undefined;
  const landing =
    landingFencing === undefined
      ? null
      : new LandingJudges(
          (partition) =>
            new LandingJudge(environment, links, partition, landingFencing, {
              maxBatch: settings.maxBatch,
              retryDelayMs: RETRY_DELAY_MS,
              giveUpAfterMs: FAILING_LEASES_BEFORE_GIVING_UP * settings.leaseTtlMs,
            }),
          capabilities.solePublisher ? backend.solePublisher?.setPublishing.bind(backend.solePublisher) : undefined,
        );
  const anywhere = landing !== null;
  const router: CommandRouter = new CommandRouter({
    ...settings,
    landing,
    queue,
    store,
    queueInProcess: capabilities.queueInProcess,
    pending,
    health,
    sequencerOf: (partition) => ownership.sequencerOf(partition),
    direct,
    resendAfterMs: settings.leaseTtlMs,
  });
  const intake =
    direct === undefined
      ? undefined
      : new DirectIntake({
          direct,
          take: (partition, items) => router.takeHandedOver(partition, items),
          problem: (partition, error) => health.problem('subscribe', partition, error),
        });
  const scheduler = new DeadlineScheduler({
    clock,
    lifecycle,
    closeGraceMs: settings.closeGraceMs,
    stateOf: (auctionId) => ownership.stateOf(auctionId),
    issue: (command) => void router.submit(command, router.newId(), false),
  });
  const environment: SequencerEnvironment = { ...backend, houseId, clock, stats };
  const sequencerOptions = {
    maxBatch: settings.maxBatch,
    recentBids: settings.recentBids,
    retryDelayMs: RETRY_DELAY_MS,
    // Other houses commit bids to the partition's auctions: each batch reads its auctions, so
    // the next batch cannot be judged while one is in flight.
    maxCommitsInFlight: anywhere ? 1 : settings.maxCommitsInFlight,
    readEachBatch: anywhere,
    minPipelinedBatch: MIN_PIPELINED_BATCH,
    staleEntryMs: settings.staleEntryMs,
    giveUpAfterMs: FAILING_LEASES_BEFORE_GIVING_UP * settings.leaseTtlMs,
  };
  const ownership: PartitionOwnership = new PartitionOwnership({
    ...settings,
    lock,
    fencing: capabilities.fencing ? backend.fencing : undefined,
    // Where bids are judged anywhere, every house publishes for every partition.
    solePublisher: capabilities.solePublisher && !anywhere ? backend.solePublisher : undefined,
    intake,
    lifecycle,
    health,
    scheduler,
    newSequencer: (partition, lease) => new Sequencer(environment, links, partition, lease, sequencerOptions),
  });
  const links: SequencerLinks = { answers: router, deadlines: scheduler, owner: ownership, health };
  const reads = new HouseReads(store, cache, clock);
  return { settings, lifecycle, stats, pending, events, health, router, scheduler, ownership, landing, reads };
}

/** Figures of the house the parts make up. */
export function metricsOf(parts: HouseParts): HouseMetrics {
  const { settings, stats: s, router, ownership, pending, events, scheduler, lifecycle } = parts;
  return {
    houseId: settings.houseId,
    state: lifecycle.state,
    partitions: { total: settings.partitions, owned: ownership.owned(), listened: events.listened() },
    cache: settings.backend.cache.stats(),
    queue: {
      intake: router.intakeSize,
      waitingCallers: pending.size,
      intakeErrors: router.intakeErrors + ownership.failures,
      inMemory: router.inMemory,
      queued: router.queued,
      direct: router.direct,
    },
    sequencer: {
      batches: s.batches,
      commands: s.commands,
      averageBatch: s.batches === 0 ? 0 : s.commands / s.batches,
      maxBatch: s.maxBatch,
      commitErrors: s.commitErrors,
      refusedCommands: s.refusedCommands,
      conflicts: parts.landing?.conflicts ?? 0,
      queueErrors: s.queueErrors,
      auctionsInMemory: ownership.auctionsInMemory() + (parts.landing?.held ?? 0),
    },
    broadcaster: { received: events.received, publishErrors: s.publishErrors },
    cacheErrors: s.cacheErrors,
    scheduler: { deadlines: scheduler.size },
  };
}
