import { readFileSync } from 'node:fs';

/** Reads a small file of the system; throws when it is not there. */
export type ReadSystemFile = (path: string) => string;

const readSystemFile: ReadSystemFile = (path) => readFileSync(path, 'utf8');

/** The cgroup and its ancestors, from the process's own up to the root. */
function upToRoot(path: string): string[] {
  const levels: string[] = [];
  for (let level = path.replace(/\/+$/, ''); level !== ''; level = level.slice(0, level.lastIndexOf('/')))
    levels.push(level);
  return [...levels, ''];
}

/** Cores a level's quota allows, or null when that level sets none (or cannot be read). */
function coresAt(read: ReadSystemFile, quotaFile: string, parse: (text: string) => number | null): number | null {
  try {
    return parse(read(quotaFile));
  } catch {
    return null;
  }
}

/** cgroup v2's `cpu.max`: "<quota> <period>", or "max <period>" for none. */
function parseCpuMax(text: string): number | null {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max' || period === undefined) return null;
  const cores = Number(quota) / Number(period);
  return Number.isFinite(cores) && cores > 0 ? cores : null;
}

/**
 * The cores this process may use by the CPU quota of its cgroup or of an ancestor (cgroup v2's
 * `cpu.max`, v1's `cpu.cfs_quota_us` over `cpu.cfs_period_us`), the smallest when several set
 * one; null when none does, or where cgroups cannot be read (not Linux, no cpu controller).
 */
export function cpuQuotaCores(read: ReadSystemFile = readSystemFile): number | null {
  let lines: string[];
  try {
    lines = read('/proc/self/cgroup').split('\n');
  } catch {
    return null;
  }
  let smallest: number | null = null;
  const consider = (cores: number | null) => {
    if (cores !== null && (smallest === null || cores < smallest)) smallest = cores;
  };
  for (const line of lines) {
    const [, controllers = '', path = ''] = line.split(':');
    if (line.startsWith('0::')) {
      for (const level of upToRoot(path)) consider(coresAt(read, `/sys/fs/cgroup${level}/cpu.max`, parseCpuMax));
    } else if (controllers.split(',').includes('cpu')) {
      const mount = `/sys/fs/cgroup/${controllers}`;
      for (const level of upToRoot(path)) {
        consider(
          coresAt(read, `${mount}${level}/cpu.cfs_quota_us`, (quota) => {
            const period = Number(read(`${mount}${level}/cpu.cfs_period_us`));
            const cores = Number(quota) / period;
            return Number(quota) > 0 && Number.isFinite(cores) ? cores : null;
          }),
        );
      }
    }
  }
  return smallest;
}

/** How often the quota is read again: a process can be moved into a cgroup after it starts. */
const READ_AGAIN_MS = 5_000;

/**
 * Whether this process is held to less than one core by a CPU quota (a container's CPU limit,
 * a cgroup), read again every 5 s when asked.
 */
export class CpuQuota {
  readonly #read: ReadSystemFile;
  #readAt = Number.NEGATIVE_INFINITY;
  #belowOneCore = false;

  constructor(read: ReadSystemFile = readSystemFile) {
    this.#read = read;
  }

  belowOneCore(now = Date.now()): boolean {
    if (now - this.#readAt >= READ_AGAIN_MS) {
      this.#readAt = now;
      const cores = cpuQuotaCores(this.#read);
      this.#belowOneCore = cores !== null && cores < 1;
    }
    return this.#belowOneCore;
  }
}
