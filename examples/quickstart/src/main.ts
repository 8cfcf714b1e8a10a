import { parseQuickstartArgs, QUICKSTART_USAGE } from './quickstart-options.js';
import { runQuickstart } from './run-quickstart.js';

const request = parseQuickstartArgs(process.argv.slice(2), process.env);
if (request.kind === 'help') {
  console.log(QUICKSTART_USAGE);
  process.exit(0);
}
if (request.kind === 'error') {
  console.error(`${request.message}\n\n${QUICKSTART_USAGE}`);
  process.exit(2);
}

const interrupt = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  // The first Ctrl-C stops the house cleanly; a second one does not wait for it.
  if (interrupts > 1) process.exit(130);
  interrupt.abort();
});
// The live view hides the cursor while it redraws; give it back however the process ends.
process.on('exit', () => {
  if (process.stdout.isTTY) process.stdout.write('\u001b[?25h');
});

try {
  const result = await runQuickstart({
    fast: request.fast,
    output: process.stdout,
    signal: interrupt.signal,
    ...(request.seed === undefined ? {} : { seed: request.seed }),
  });
  process.exitCode = result.interrupted ? 130 : 0;
} catch (error) {
  console.error('The quickstart failed:', error);
  process.exitCode = 1;
}
