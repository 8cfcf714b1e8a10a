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

/** Cores a quota of `quota` µs every `period` µs allows; null for none ("max", -1). */
function coresOf(quota: string | undefined, period: string | undefined): number | null {
  const cores = Number(quota) / Number(period);
  return Number.isFinite(cores) && cores > 0 ? cores : null;
}

/** Cores one cgroup's quota allows, or null when it sets none or its files cannot be read. */
function coresIn(read: ReadSystemFile, dir: string, version: 1 | 2): number | null {
  try {
    if (version === 2) {
      const [quota, period] = read(`${dir}/cpu.max`).trim().split(/\s+/);
      return coresOf(quota, period);
    }
    return coresOf(read(`${dir}/cpu.cfs_quota_us`), read(`${dir}/cpu.cfs_period_us`));
  } catch {
    return null;
  }
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
  const found: number[] = [];
  for (const line of lines) {
    const [, controllers = '', path = ''] = line.split(':');
    const v2 = line.startsWith('0::');
    if (!v2 && !controllers.split(',').includes('cpu')) continue;
    const mount = v2 ? '/sys/fs/cgroup' : `/sys/fs/cgroup/${controllers}`;
    for (const level of upToRoot(path)) {
      const cores = coresIn(read, `${mount}${level}`, v2 ? 2 : 1);
      if (cores !== null) found.push(cores);
    }
  }
  return found.length === 0 ? null : Math.min(...found);
}

/**
 * How often the quota is read again: a process can be moved into a cgroup after it starts, and
 * until it is read its commits go out unjoined (a third more CPU a bid at 0.15 core). Two small
 * files a second cost nothing beside that.
 */
const READ_AGAIN_MS = 1_000;

/**
 * Whether this process is held to less than one core by a CPU quota (a container's CPU limit,
 * a cgroup), read again every second when asked.
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
