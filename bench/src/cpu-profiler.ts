import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/**
 * Profiles the CPU around one piece of work only (the house placing bids, not the baselines
 * next to it) through the inspector, and writes `<dir>/<label>.cpuprofile`, which Chrome DevTools
 * and `src/cpu-profile-summary.ts` read.
 */
export function createCpuProfiler(dir: string, intervalUs = 200) {
  return async function profile<T>(label: string, work: () => Promise<T>): Promise<T> {
    const session = new Session();
    session.connect();
    try {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
      await session.post('Profiler.start');
      const result = await work();
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${label}.cpuprofile`), JSON.stringify(profile));
      return result;
    } finally {
      session.disconnect();
    }
  };
}
