import { describe, expect, it } from 'vitest';
import { CpuQuota, cpuQuotaCores, type ReadSystemFile } from '../src/cpu-quota.js';

/** A reader of the given files; any other path is missing, as on a system without it. */
function filesOf(files: Record<string, string>): ReadSystemFile {
  return (path) => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  };
}

describe('cpuQuotaCores', () => {
  it("reads cgroup v1's quota over its period, on a cpu controller mounted with cpuacct", () => {
    const read = filesOf({
      '/proc/self/cgroup': '4:memory:/\n2:cpu,cpuacct:/bench/house-1\n0::/\n',
      '/sys/fs/cgroup/cpu,cpuacct/bench/house-1/cpu.cfs_quota_us': '15000\n',
      '/sys/fs/cgroup/cpu,cpuacct/bench/house-1/cpu.cfs_period_us': '100000\n',
      '/sys/fs/cgroup/cpu,cpuacct/bench/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu,cpuacct/bench/cpu.cfs_period_us': '100000\n',
    });
    expect(cpuQuotaCores(read)).toBe(0.15);
  });

  it("reads cgroup v2's cpu.max, and takes the smallest quota of the cgroup and its ancestors", () => {
    const read = filesOf({
      '/proc/self/cgroup': '0::/kubepods/pod-a/container-b\n',
      '/sys/fs/cgroup/kubepods/pod-a/container-b/cpu.max': 'max 100000\n',
      '/sys/fs/cgroup/kubepods/pod-a/cpu.max': '50000 100000\n',
      '/sys/fs/cgroup/kubepods/cpu.max': '400000 100000\n',
      '/sys/fs/cgroup/cpu.max': 'max 100000\n',
    });
    expect(cpuQuotaCores(read)).toBe(0.5);
  });

  it('is null where no level sets a quota, and where cgroups cannot be read', () => {
    const none = filesOf({
      '/proc/self/cgroup': '1:cpu:/\n0::/\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
      '/sys/fs/cgroup/cpu.max': 'max 100000\n',
    });
    expect(cpuQuotaCores(none)).toBeNull();
    expect(cpuQuotaCores(filesOf({}))).toBeNull();
    expect(cpuQuotaCores(filesOf({ '/proc/self/cgroup': '0::/\n' }))).toBeNull();
  });
});

describe('CpuQuota', () => {
  it('tells a quota below one core, and reads it again after a second (a process can be moved into a cgroup)', () => {
    const files: Record<string, string> = {
      '/proc/self/cgroup': '0::/house\n',
      '/sys/fs/cgroup/house/cpu.max': 'max 100000\n',
    };
    const quota = new CpuQuota(filesOf(files));
    expect(quota.belowOneCore(0)).toBe(false);
    files['/sys/fs/cgroup/house/cpu.max'] = '25000 100000\n';
    expect(quota.belowOneCore(999)).toBe(false);
    expect(quota.belowOneCore(1_000)).toBe(true);
    files['/sys/fs/cgroup/house/cpu.max'] = '200000 100000\n';
    expect(quota.belowOneCore(1_500)).toBe(true);
    expect(quota.belowOneCore(2_000)).toBe(false);
  });
});
