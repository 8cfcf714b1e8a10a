// CommonJS consumer of the packed packages.
'use strict';

const assert = require('node:assert/strict');
const { createAuctionHouse, OutcryError } = require('@outcry/core');
const { MemoryAuctionStore, partitionCountMismatch, partitionOf } = require('@outcry/core/adapter-kit');
const { applyCommand, replayCommands } = require('@outcry/core/engine');
const { createPostgresAdapters, migrate, replayAuction } = require('@outcry/postgres-adapter');
const { createRedisAdapters, deleteMatching } = require('@outcry/redis-adapter');
const { createWebSocketGateway } = require('@outcry/ws-adapter');
const { runAuctionScenario } = require('./auction-scenario.cjs');

const resolved = {
  '@outcry/core': '/dist/index.cjs',
  '@outcry/core/adapter-kit': '/dist/adapter-kit/index.cjs',
  '@outcry/core/engine': '/dist/engine/index.cjs',
  '@outcry/redis-adapter': '/dist/index.cjs',
  '@outcry/postgres-adapter': '/dist/index.cjs',
  '@outcry/ws-adapter': '/dist/index.cjs',
};
for (const [specifier, ending] of Object.entries(resolved)) {
  const path = require.resolve(specifier);
  assert.ok(path.endsWith(ending), `${specifier} resolved to ${path}, expected …${ending}`);
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

// The testing entry imports vitest, which is ESM only, so it is not offered to require().
let testingError = null;
try {
  require.resolve('@outcry/core/testing');
} catch (error) {
  testingError = error;
}
if (testingError?.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
  throw new Error(`@outcry/core/testing should be ESM only; require.resolve gave ${testingError?.code ?? 'a path'}`);
}

runAuctionScenario({ createAuctionHouse, label: 'cjs' }).then(
  () => console.log('cjs: ok'),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
