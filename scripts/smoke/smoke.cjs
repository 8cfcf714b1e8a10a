// CommonJS consumer of the packed @outcry/core.
'use strict';

const { createAuctionHouse } = require('@outcry/core');
const { runAuctionScenario } = require('./auction-scenario.cjs');

const main = require.resolve('@outcry/core');
if (!main.endsWith('/dist/index.cjs')) throw new Error(`require resolved to ${main}, expected dist/index.cjs`);
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
