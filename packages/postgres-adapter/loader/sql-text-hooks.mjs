// Node module hooks for child processes run from source: a `.sql` import becomes a module whose
// default export is the file's text, as tsup's text loader and the vitest plugin do.
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.sql')) return nextLoad(url, context);
  const text = await readFile(new URL(url), 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
