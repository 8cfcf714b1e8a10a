import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) that self time needs. */
interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly children?: readonly number[];
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One function's share of the profile. */
export interface SelfTime {
  readonly fn: string;
  readonly where: string;
  readonly ms: number;
  readonly share: number;
}

/**
 * Self time per function: each sample's time goes to the function on top of the stack. Nodes of
 * the same function (reached through different callers) are added together. Samples taken inside
 * an inspector call (the profiler serialising itself at `Profiler.stop`) are not the program's
 * work and are left out.
 */
export function summariseCpuProfile(profile: CpuProfile): SelfTime[] {
  const frameOf = new Map<number, string>();
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const inspectorCalls = new Set(
    profile.nodes
      .filter((n) => n.callFrame.url === 'node:inspector' && n.callFrame.functionName === 'post')
      .map((n) => n.id),
  );
  const insideInspector = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at))
      if (inspectorCalls.has(at)) return true;
    return false;
  };
  const label = new Map<string, { fn: string; where: string }>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    // Under tsx every line number of transpiled TypeScript is 0: then the file alone is shown.
    const file = url.replace(/^file:\/\//, '').replace(/^.*?\/(packages|bench|node_modules)\//, '$1/');
    const where = url === '' ? '' : lineNumber > 0 ? `${file}:${lineNumber + 1}` : file;
    const key = `${functionName}@${where}`;
    frameOf.set(node.id, key);
    label.set(key, { fn: functionName === '' ? '(anonymous)' : functionName, where });
  }
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    if (insideInspector(id)) return;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const key = frameOf.get(id) ?? '(unknown)';
    self.set(key, (self.get(key) ?? 0) + us);
  });
  return [...self]
    .map(([key, us]) => ({
      fn: label.get(key)?.fn ?? key,
      where: label.get(key)?.where ?? '',
      ms: us / 1_000,
      share: total === 0 ? 0 : us / total,
    }))
    .sort((a, b) => b.ms - a.ms);
}

/** `tsx src/cpu-profile-summary.ts [file-or-dir] [top]`: by default the newest profile in results/profiles. */
function main(): void {
  const target = process.argv[2] ?? join(import.meta.dirname, '..', 'results', 'profiles');
  const top = Number(process.argv[3] ?? 25);
  const file = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((name) => name.endsWith('.cpuprofile'))
        .map((name) => join(target, name))
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]
    : target;
  if (file === undefined) throw new Error(`no .cpuprofile in ${target}`);
  const rows = summariseCpuProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  console.log(`Top ${top} functions by self time in ${basename(file)}:\n`);
  console.log('| self ms | share | function | where |\n|---:|---:|---|---|');
  for (const row of rows.slice(0, top)) {
    console.log(`| ${row.ms.toFixed(0)} | ${(row.share * 100).toFixed(1)}% | ${row.fn} | ${row.where} |`);
  }
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) main();
