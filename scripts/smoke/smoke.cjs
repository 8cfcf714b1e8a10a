// CommonJS consumer of the packed @outcry/core.
'use strict';

const { createAuctionHouse } = require('@outcry/core');
const { runAuctionScenario } = require('./auction-scenario.cjs');

const main = require.resolve('@outcry/core');
if (!main.endsWith('/dist/index.cjs')) throw new Error(`require resolved to ${main}, expected dist/index.cjs`);
const testing = require.resolve('@outcry/core/testing');
if (!testing.endsWith('/dist/testing/index.cjs')) throw new Error(`@outcry/core/testing resolved to ${testing}`);

runAuctionScenario({ createAuctionHouse, label: 'cjs' }).then(
  () => console.log('cjs: ok'),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
