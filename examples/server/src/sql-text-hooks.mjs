// Node module hooks: a `.sql` import becomes a module whose default export is the file's text.
// @outcry/postgres-adapter's source imports its migrations this way (its build bundles them);
// the server runs the packages from source, so `npm start` registers these hooks.
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.sql')) return nextLoad(url, context);
  const text = await readFile(new URL(url), 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
