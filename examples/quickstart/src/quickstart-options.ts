import { parseArgs } from 'node:util';

/** What the command line asks for: a run (with its options), the usage text, or a mistake to report. */
export type QuickstartRequest =
  | { readonly kind: 'run'; readonly fast: boolean; readonly seed?: number }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

export const QUICKSTART_USAGE = `Usage: npm run quickstart [-- options]

A live auction in the terminal: bidding bots compete, proxy bidding answers them, soft close
extends the end, and the result is printed.

Options:
  --fast        the same auction ten times faster (about 5 s instead of 40 s)
  --seed=<n>    a whole number: the same seed, the same auction
  -h, --help    show this text

Environment: QUICKSTART_FAST=1 is the same as --fast.`;

/**
 * The request of `args` (after the script name). The root script runs the workspace's through an
 * inner npm, which may hand the flags on as its own config (npm_config_fast, npm_config_seed).
 */
export function parseQuickstartArgs(args: readonly string[], env: NodeJS.ProcessEnv): QuickstartRequest {
  let values: { fast?: boolean; seed?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { fast: { type: 'boolean' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (values.help === true) return { kind: 'help' };
  const fast = values.fast === true || env.QUICKSTART_FAST === '1' || env.npm_config_fast === 'true';
  const seedText = values.seed ?? env.npm_config_seed;
  if (seedText === undefined) return { kind: 'run', fast };
  const seed = Number(seedText);
  if (!/^-?\d+$/.test(seedText) || !Number.isSafeInteger(seed)) {
    return { kind: 'error', message: `--seed must be a whole number, not '${seedText}'.` };
  }
  return { kind: 'run', fast, seed };
}
