// ESM consumer of the packed @outcry/core.
import { createAuctionHouse } from '@outcry/core';
import scenario from './auction-scenario.cjs';

const main = import.meta.resolve('@outcry/core');
if (!main.endsWith('/dist/index.js')) throw new Error(`ESM import resolved to ${main}, expected dist/index.js`);
// Resolve only: loading the testing entry needs the optional peer vitest, which is not installed here.
const testing = import.meta.resolve('@outcry/core/testing');
if (!testing.endsWith('/dist/testing/index.js')) throw new Error(`@outcry/core/testing resolved to ${testing}`);

await scenario.runAuctionScenario({ createAuctionHouse, label: 'esm' });
console.log('esm: ok');
