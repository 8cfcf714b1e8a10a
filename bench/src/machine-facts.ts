import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a figure was measured: a ratio travels between machines, a bare figure does not. */
export interface MachineFacts {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryMb: number;
  readonly node: string;
  readonly os: string;
  readonly packages: Readonly<Record<string, string>>;
  readonly date: string;
  readonly gitCommit: string;
  /** Uncommitted changes under the measured code (packages/core, bench) when the run started. */
  readonly gitDirty: boolean;
  readonly execArgv: readonly string[];
  /** 1, 5 and 15 minute load averages when the run started: a busy machine explains noisy figures. */
  readonly loadAverage: readonly number[];
}

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = join(benchDir, '..');

/** The version of an installed package, found the way Node finds it: up the node_modules folders. */
function installedVersion(name: string): string {
  for (let dir = benchDir; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) return 'not installed';
  }
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: repoDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function collectMachineFacts(): MachineFacts {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model ?? 'unknown',
    cpuCount: cores.length,
    totalMemoryMb: Math.round(totalmem() / (1024 * 1024)),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    packages: Object.fromEntries(
      [
        '@outcry/core',
        'tinybench',
        'zod',
        'eventemitter3',
        'tsx',
        'typescript',
        'fastify',
        'autocannon',
        'ioredis',
        'pg',
        'ws',
        'bullmq',
        'redlock',
      ].map((name) => [name, installedVersion(name)]),
    ),
    date: new Date().toISOString(),
    gitCommit: git(['rev-parse', 'HEAD']) ?? 'unknown',
    gitDirty: (git(['status', '--porcelain', '--', 'packages/core', 'bench']) ?? '') !== '',
    // tsx's own loader flags (--require <tsx preflight>, --import <tsx loader>) say nothing about the run.
    execArgv: process.execArgv.filter(
      (arg, i, all) => !arg.includes('tsx') && !(arg.startsWith('--') && all[i + 1]?.includes('tsx')),
    ),
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}
