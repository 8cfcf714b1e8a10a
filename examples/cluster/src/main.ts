import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { hasHaproxy } from './balancer.js';
import { parseClusterOptions, USAGE } from './cluster-options.js';
import { Deployment } from './deployment.js';
import { createLineLog } from './processes.js';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let options: ReturnType<typeof parseClusterOptions>;
try {
  options = parseClusterOptions(process.argv.slice(2));
} catch (error) {
  fail((error as Error).message);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!hasHaproxy()) fail('HAProxy is not installed: apt-get install haproxy (Debian), then run this again.');
if (options.redis.kind === 'local-cluster' && spawnSync('redis-server', ['--version']).status !== 0)
  fail('--redis-cluster starts redis-server processes: install redis-server (Debian: apt-get install redis-server).');

const log = createLineLog(options.quiet ? null : (line) => console.log(line));
let deployment: Deployment | null = null;
let stopping = false;

async function stop(signal: string): Promise<void> {
  if (stopping) {
    console.log(`${signal} again: killing every process now`);
    deployment?.kill();
    process.exit(1);
  }
  stopping = true;
  if (deployment === null) process.exit(1);
  console.log(`${signal}: taking the servers out of service, draining them, then stopping HAProxy`);
  try {
    await deployment.stop();
    console.log('stopped');
    process.exit(0);
  } catch (error) {
    console.error(`stopping failed: ${(error as Error).message}`);
    deployment.kill();
    process.exit(1);
  }
}

process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  deployment = await Deployment.start({ ...options, log });
} catch (error) {
  fail(`Cannot start: ${(error as Error).message}`);
}
const describe = (d: Deployment) =>
  d.servers.map((server) => `${server.name} (port ${server.port}, pid ${server.pid})`).join(', ');
console.log(`
Outcry: ${deployment.servers.length} servers behind HAProxy at ${deployment.url}/
  servers: ${describe(deployment)}
  bids: ${options.routeBids === 'owner' ? "each to the server owning its auction's partition" : 'round robin, forwarded through Redis to the owner'}${deployment.redisCluster === null ? '' : `\n  Redis Cluster: ${deployment.redisCluster.nodes}`}
  type "add" to start one more server, "remove s1" to drain and stop one, "list"; Ctrl-C stops everything
`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, name] = line.trim().split(/\s+/);
  const d = deployment;
  if (d === null || stopping || command === undefined || command === '') return;
  const done = (what: Promise<unknown>) =>
    what.then(
      () => console.log(`servers: ${describe(d)}`),
      (error: unknown) => console.error((error as Error).message),
    );
  if (command === 'add') void done(d.startServer());
  else if (command === 'remove') {
    const target = name ?? d.servers.at(-1)?.name;
    if (target === undefined) console.error('no server runs');
    else void done(d.stopServer(target));
  } else if (command === 'list') void done(Promise.resolve());
  else console.error(`unknown command "${command}": add, remove [name], list`);
});
