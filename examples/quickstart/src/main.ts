import { runQuickstart } from './run-quickstart.js';

// `npm start` (about 40 s) or `npm start -- --fast` (about 5 s); QUICKSTART_FAST=1 works too.
// The root script runs `npm run start --workspace ...`, so the flags after `--` reach that inner
// npm as its own config: npm hands them on as npm_config_fast and npm_config_seed.
const args = process.argv.slice(2);
const env = process.env;
const fast = args.includes('--fast') || env.QUICKSTART_FAST === '1' || env.npm_config_fast === 'true';
const seedText = args.find((arg) => arg.startsWith('--seed='))?.slice('--seed='.length) ?? env.npm_config_seed;
const seed = seedText === undefined ? undefined : Number(seedText);

const interrupt = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  // The first Ctrl-C stops the house cleanly; a second one does not wait for it.
  if (interrupts > 1) process.exit(130);
  interrupt.abort();
});
// The live view hides the cursor while it redraws; give it back however the process ends.
process.on('exit', () => {
  if (process.stdout.isTTY) process.stdout.write('\u001b[?25h');
});

try {
  const result = await runQuickstart({
    fast,
    output: process.stdout,
    signal: interrupt.signal,
    ...(seed !== undefined && Number.isFinite(seed) ? { seed } : {}),
  });
  process.exitCode = result.interrupted ? 130 : 0;
} catch (error) {
  console.error('The quickstart failed:', error);
  process.exitCode = 1;
}
