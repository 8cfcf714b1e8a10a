/**
 * CPU quotas for child processes through Linux cgroups, so that each process of a scale-out
 * measurement is a small machine: cgroup v1's `cpu` controller (`cpu.cfs_quota_us` and
 * `cpu.cfs_period_us`) or cgroup v2's `cpu.max`, whichever this machine has the controller on.
 * Writing them needs root (or a delegated hierarchy); where they cannot be written the caps say
 * why and cap nothing, and the caller reports that its processes ran uncapped.
 *
 * Every group made here lives under one folder of this process (`outcry-bench-<pid>`), and
 * `release()` removes it, first moving any process still inside back to where this process
 * runs. The same removal runs, synchronously, when this process exits or is interrupted.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The quota period: short, so that a throttled process waits milliseconds, not a tenth of a second. */
const CPU_PERIOD_US = 10_000;

/** Where the cpu controller is, and how its quotas are written. */
interface Hierarchy {
  readonly version: 1 | 2;
  /** The cgroup this process runs in (processes are moved back here). */
  readonly home: string;
}

/** What `createCpuCaps` could set up. */
export interface CpuCaps {
  /** `cgroup v1 (/sys/fs/cgroup/cpu)`, `cgroup v2 (/sys/fs/cgroup)`, or why nothing is capped. */
  readonly description: string;
  /** True when `cap` really limits processes. */
  readonly enabled: boolean;
  /** The folder every group is made in (removed by `release`); null when nothing is capped. */
  readonly folder: string | null;
  /**
   * Puts `pid` (all its threads) in a group of its own named `name`, limited to `cores` of CPU
   * (0.15: 15% of one core). Does nothing when the caps are not enabled.
   */
  cap(pid: number, name: string, cores: number): void;
  /** Moves out whatever is left in the groups and removes them. Safe to call twice. */
  release(): void;
}

function mountPoints(): Array<{ point: string; type: string; options: string }> {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const mounts: Array<{ point: string; type: string; options: string }> = [];
  for (const line of lines) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const point = left.split(' ')[4];
    const [type, , options] = right.split(' ');
    if (point !== undefined && type !== undefined) mounts.push({ point, type, options: options ?? '' });
  }
  return mounts;
}

/** This process's cgroup path in the line of /proc/self/cgroup whose controllers `match` (v2: the empty list). */
function ownPath(match: (controllers: string) => boolean): string | null {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (controllers !== undefined && path !== undefined && match(controllers)) return path;
  }
  return null;
}

function findHierarchy(): Hierarchy | string {
  if (process.platform !== 'linux') return `no cgroups on ${process.platform}`;
  let mounts: ReturnType<typeof mountPoints>;
  try {
    mounts = mountPoints();
  } catch (error) {
    return `cannot read /proc/self/mountinfo (${(error as Error).message})`;
  }
  const v1 = mounts.find((m) => m.type === 'cgroup' && m.options.split(',').includes('cpu'));
  if (v1 !== undefined) {
    const path = ownPath((controllers) => controllers.split(',').includes('cpu')) ?? '/';
    return { version: 1, home: join(v1.point, path) };
  }
  for (const v2 of mounts.filter((m) => m.type === 'cgroup2')) {
    const controllers = readFileSync(join(v2.point, 'cgroup.controllers'), 'utf8').split(/\s+/);
    // Groups are made at the root: below it, a group that hands cpu to its children may hold no process.
    if (controllers.includes('cpu')) return { version: 2, home: join(v2.point, ownPath((c) => c === '') ?? '/') };
  }
  return 'no cgroup hierarchy has the cpu controller';
}

function rootOf(hierarchy: Hierarchy): string {
  if (hierarchy.version === 1) return hierarchy.home;
  // cgroup v2: our groups hang from the mount's root, where processes may stay beside children.
  const v2 = mountPoints().find((m) => m.type === 'cgroup2' && hierarchy.home.startsWith(m.point));
  return v2?.point ?? hierarchy.home;
}

const pidsIn = (group: string): number[] =>
  readFileSync(join(group, 'cgroup.procs'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);

/**
 * Sets up CPU caps for this process's children, checking at once that a group can be made and
 * given a quota. Never throws: on any failure the caps are disabled and say why.
 */
export function createCpuCaps(): CpuCaps {
  const found = findHierarchy();
  if (typeof found === 'string') return disabled(found);
  const hierarchy = found;
  const root = rootOf(hierarchy);
  const folder = join(root, `outcry-bench-${process.pid}`);
  const groups: string[] = [];
  let released = false;
  const home = hierarchy.version === 1 ? hierarchy.home : root;

  const onSignal = (signal: NodeJS.Signals) => {
    release();
    process.kill(process.pid, signal);
  };
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const group of [...groups].reverse()) {
      try {
        if (existsSync(group)) {
          for (const pid of pidsIn(group)) {
            try {
              writeFileSync(join(home, 'cgroup.procs'), String(pid));
            } catch {
              // The process exited meanwhile.
            }
          }
          rmdirSync(group);
        }
      } catch (error) {
        console.error(`could not remove cgroup ${group}: ${(error as Error).message}`);
      }
    }
    groups.length = 0;
  };

  const makeGroup = (path: string) => {
    mkdirSync(path);
    groups.push(path);
  };

  try {
    if (hierarchy.version === 2) {
      const enable = (dir: string) => {
        const current = readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8');
        if (!current.split(/\s+/).includes('cpu')) writeFileSync(join(dir, 'cgroup.subtree_control'), '+cpu');
      };
      enable(root);
      makeGroup(folder);
      enable(folder);
    } else {
      makeGroup(folder);
    }
    // A trial group: writing a quota is what may still be refused (a read-only or delegated tree).
    const trial = join(folder, 'trial');
    makeGroup(trial);
    writeQuota(hierarchy, trial, 0.5);
    rmdirSync(trial);
    groups.pop();
  } catch (error) {
    release();
    return disabled(`cannot write cgroups (${(error as Error).message})`);
  }

  process.on('exit', release);
  // Interrupted, this process would end without its exit handlers: remove the groups, then end as asked.
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  return {
    description: `cgroup v${hierarchy.version} (${root.replace(/\/$/, '')}), period ${CPU_PERIOD_US / 1_000} ms`,
    enabled: true,
    folder,
    cap(pid, name, cores) {
      if (released) throw new Error('the CPU caps were released');
      const group = join(folder, name.replace(/[^\w.-]/g, '_'));
      if (!existsSync(group)) makeGroup(group);
      writeQuota(hierarchy, group, cores);
      writeFileSync(join(group, 'cgroup.procs'), String(pid));
    },
    release,
  };
}

function writeQuota(hierarchy: Hierarchy, group: string, cores: number): void {
  const quota = Math.max(1_000, Math.round(cores * CPU_PERIOD_US));
  if (hierarchy.version === 1) {
    writeFileSync(join(group, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
    writeFileSync(join(group, 'cpu.cfs_quota_us'), String(quota));
  } else {
    writeFileSync(join(group, 'cpu.max'), `${quota} ${CPU_PERIOD_US}`);
  }
}

function disabled(reason: string): CpuCaps {
  return {
    description: `uncapped: ${reason}`,
    enabled: false,
    folder: null,
    cap: () => undefined,
    release: () => undefined,
  };
}
