import type { AuctionHouse, BidOutcome } from '@outcry/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read from the WebSocket gateway, when there is one. */
export interface ConnectionFigures {
  connections(): number;
}

/**
 * The Prometheus metrics of one server, on a registry of its own (several apps in one test
 * process do not collide). House and gateway figures are read when scraped, never pushed.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #bidLatency: Histogram<'transport' | 'result'>;
  readonly #bids: Counter<'result' | 'code'>;
  readonly #httpErrors: Counter<'code'>;
  readonly #acceptedLatency: ReturnType<Histogram<'transport' | 'result'>['labels']>;
  readonly #acceptedCount: ReturnType<Counter<'result' | 'code'>['labels']>;

  constructor(house: AuctionHouse, gateway: () => ConnectionFigures | null) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'outcry_' });
    this.#bidLatency = new Histogram({
      name: 'outcry_bid_duration_seconds',
      help: 'Time from intake to answer of a bid placed over HTTP (sync bids and buy-now).',
      labelNames: ['transport', 'result'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.#bids = new Counter({
      name: 'outcry_bids_total',
      help: 'Bids answered over HTTP, by result and code (accepted bids have code "accepted").',
      labelNames: ['result', 'code'],
      registers,
    });
    this.#acceptedLatency = this.#bidLatency.labels('http', 'accepted');
    this.#acceptedCount = this.#bids.labels('accepted', 'accepted');
    this.#httpErrors = new Counter({
      name: 'outcry_http_errors_total',
      help: 'Error answers by code.',
      labelNames: ['code'],
      registers,
    });
    const read = <T>(pick: (m: ReturnType<AuctionHouse['metrics']>) => T) => pick(house.metrics());
    new Gauge({
      name: 'outcry_queue_intake',
      help: 'Commands taken in by this process and not yet handed to the queue.',
      registers,
      collect() {
        this.set(read((m) => m.queue.intake));
      },
    });
    new Gauge({
      name: 'outcry_queue_waiting_callers',
      help: 'Callers waiting for an outcome (queue depth seen from this process).',
      registers,
      collect() {
        this.set(read((m) => m.queue.waitingCallers));
      },
    });
    new Gauge({
      name: 'outcry_commands_in_memory',
      help: 'Commands this process judged in its own sequencers without a trip through the queue.',
      registers,
      collect() {
        this.set(read((m) => m.queue.inMemory));
      },
    });
    new Gauge({
      name: 'outcry_commands_queued',
      help: "Commands this process sent through the queue (other processes' partitions, closes).",
      registers,
      collect() {
        this.set(read((m) => m.queue.queued));
      },
    });
    new Gauge({
      name: 'outcry_commands_direct',
      help: "Bids this process handed to the owner of another process's partition directly.",
      registers,
      collect() {
        this.set(read((m) => m.queue.direct));
      },
    });
    new Gauge({
      name: 'outcry_sequencer_average_batch',
      help: 'Average commands per group commit.',
      registers,
      collect() {
        this.set(read((m) => m.sequencer.averageBatch));
      },
    });
    new Gauge({
      name: 'outcry_sequencer_commands',
      help: 'Commands applied by the sequencers of this process.',
      registers,
      collect() {
        this.set(read((m) => m.sequencer.commands));
      },
    });
    new Gauge({
      name: 'outcry_partitions_owned',
      help: 'Sequencer partitions this process owns.',
      registers,
      collect() {
        this.set(read((m) => m.partitions.owned.length));
      },
    });
    new Gauge({
      name: 'outcry_cache_hit_ratio',
      help: 'Snapshot cache hits / (hits + misses) since start.',
      registers,
      collect() {
        this.set(read((m) => m.cache.hitRate));
      },
    });
    new Gauge({
      name: 'outcry_websocket_connections',
      help: 'Open WebSocket connections.',
      registers,
      collect() {
        this.set(gateway()?.connections() ?? 0);
      },
    });
  }

  /** Records one answered HTTP bid. */
  recordBid(outcome: BidOutcome, startedAt: bigint): void {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    if (outcome.status === 'accepted') {
      // The hot path: children bound once, no label lookup per bid.
      this.#acceptedLatency.observe(seconds);
      this.#acceptedCount.inc();
      return;
    }
    this.#bidLatency.observe({ transport: 'http', result: 'rejected' }, seconds);
    this.#bids.inc({ result: 'rejected', code: outcome.code });
  }

  /** Records one error answer. */
  recordError(code: string): void {
    this.#httpErrors.inc({ code });
  }

  /** The Prometheus text and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
