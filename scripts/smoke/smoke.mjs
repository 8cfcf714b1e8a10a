// ESM consumer of the packed packages.
import assert from 'node:assert/strict';
import { createAuctionHouse, OutcryError } from '@outcry/core';
import { MemoryAuctionStore, partitionCountMismatch, partitionOf } from '@outcry/core/adapter-kit';
import { applyCommand, replayCommands } from '@outcry/core/engine';
import { createPostgresAdapters, migrate, replayAuction } from '@outcry/postgres-adapter';
import { createRedisAdapters, deleteMatching } from '@outcry/redis-adapter';
import { createWebSocketGateway } from '@outcry/ws-adapter';
import scenario from './auction-scenario.cjs';

const resolved = {
  '@outcry/core': '/dist/index.js',
  '@outcry/core/adapter-kit': '/dist/adapter-kit/index.js',
  '@outcry/core/engine': '/dist/engine/index.js',
  // Resolve only: loading the testing entry needs the optional peer vitest, which is not installed here.
  '@outcry/core/testing': '/dist/testing/index.js',
  '@outcry/redis-adapter': '/dist/index.js',
  '@outcry/postgres-adapter': '/dist/index.js',
  '@outcry/ws-adapter': '/dist/index.js',
};
for (const [specifier, ending] of Object.entries(resolved)) {
  const url = import.meta.resolve(specifier);
  assert.ok(url.endsWith(ending), `${specifier} resolved to ${url}, expected …${ending}`);
}
for (const fn of [applyCommand, replayCommands, partitionOf, createRedisAdapters, deleteMatching]) {
  assert.equal(typeof fn, 'function');
}
for (const fn of [createPostgresAdapters, migrate, replayAuction, createWebSocketGateway]) {
  assert.equal(typeof fn, 'function');
}
// The subpaths share one copy of each class: an error made in the kit is the root's OutcryError.
assert.ok(partitionCountMismatch(4, 8) instanceof OutcryError, 'adapter-kit and root share OutcryError');
assert.deepEqual(new MemoryAuctionStore().size, { auctions: 0, outcomes: 0 });

await scenario.runAuctionScenario({ createAuctionHouse, label: 'esm' });
console.log('esm: ok');
