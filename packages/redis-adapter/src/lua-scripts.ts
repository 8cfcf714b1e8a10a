import { createHash } from 'node:crypto';
import { Command } from 'ioredis';
import {
  LUA_ACK,
  LUA_ACQUIRE_LEASE,
  LUA_CLAIM_PARTITION,
  LUA_COMMIT,
  LUA_ENQUEUE,
  LUA_FIND_OUTCOMES,
  LUA_READ_BATCH,
  LUA_RELEASE_LEASE,
  LUA_RENEW_LEASE,
  LUA_SET_SNAPSHOTS,
} from './assets.generated.js';
import { isCluster, type RedisClient } from './redis-client.js';
import { ADAPTER_VERSION } from './version.js';

/** The atomic steps, one Lua file each in `lua/`, by the name of their file. */
const SOURCES = {
  commit: LUA_COMMIT,
  'claim-partition': LUA_CLAIM_PARTITION,
  'acquire-lease': LUA_ACQUIRE_LEASE,
  'renew-lease': LUA_RENEW_LEASE,
  'release-lease': LUA_RELEASE_LEASE,
  enqueue: LUA_ENQUEUE,
  ack: LUA_ACK,
  'set-snapshots': LUA_SET_SNAPSHOTS,
  'find-outcomes': LUA_FIND_OUTCOMES,
  'read-batch': LUA_READ_BATCH,
} as const;

export type ScriptName = keyof typeof SOURCES;

/** The name of every script. */
export const SCRIPT_FILES = Object.keys(SOURCES) as readonly ScriptName[];

const shas = new Map<ScriptName, string>(
  SCRIPT_FILES.map((name) => [
    name,
    createHash('sha1')
      .update(SOURCES[name])
      .digest('hex'),
  ]),
);

const versionTag = ADAPTER_VERSION.replace(/\W/g, '_');

/** The command name a script is defined under: `outcry_<script>_<version>`. */
export function commandName(script: ScriptName): string {
  return `outcry_${script.replace(/-/g, '_')}_${versionTag}`;
}

/** The Lua source of a script (for tests and tools). */
export function scriptSource(script: ScriptName): string {
  return SOURCES[script];
}

const defined = new WeakSet<object>();

/**
 * Registers every script on the client, once per client: ioredis then sends EVALSHA and falls
 * back to EVAL (which caches the script) when a server does not know it yet.
 */
export function defineScripts(client: RedisClient): void {
  if (defined.has(client)) return;
  for (const script of SCRIPT_FILES) {
    const name = commandName(script);
    if (typeof (client as unknown as Record<string, unknown>)[name] === 'function') continue;
    client.defineCommand(name, { lua: scriptSource(script) });
  }
  defined.add(client);
}

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: Array<string | number>) => Promise<unknown>;

/** Runs a script defined by `defineScripts` on `client`. */
export function runScript(
  client: RedisClient,
  script: ScriptName,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  const command = (client as unknown as Record<string, ScriptCommand>)[commandName(script)];
  if (command === undefined) throw new Error(`Script ${script} is not defined on this client.`);
  return command.call(client, keys.length, ...keys, ...args);
}

/**
 * Runs a script on `client` at once, written to its connection when called instead of with the
 * next automatic pipeline: Redis then answers it before it reads what follows. On one server
 * the EVALSHA goes straight to the connection (no pipeline object, no script wrapper: this is
 * every commit's path), and a server that does not know the script gets it by EVAL. On a
 * Cluster it goes in a pipeline of its own, which routes it to the node of its keys' slot.
 */
export async function runScriptNow(
  client: RedisClient,
  script: ScriptName,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  if (isCluster(client)) return runInOwnPipeline(client, script, keys, args);
  // A client's own keyPrefix is applied to the keys by ioredis's Command constructor, when given.
  const { keyPrefix } = client.options;
  const send = (name: 'evalsha' | 'eval', first: string) => {
    const all = [first, keys.length, ...keys, ...args];
    return client.sendCommand(
      keyPrefix
        ? new Command(name, all, { replyEncoding: 'utf8', keyPrefix })
        : flatCommand(name, all, { replyEncoding: 'utf8' }),
    );
  };
  try {
    return await send('evalsha', shas.get(script) as string);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return send('eval', scriptSource(script));
  }
}

/**
 * An ioredis command given arguments that are flat already: ioredis's constructor copies them
 * with Array.prototype.flat, slow on long arrays of strings and numbers, and a commit has a few
 * per bid. A plain Command, not a subclass, so ioredis's paths keep seeing one kind of object.
 */
function flatCommand(name: string, args: Array<string | number>, options: { replyEncoding: 'utf8' }): Command {
  const command = new Command(name, [], options);
  command.args = args;
  command.stringifyArguments();
  return command;
}

async function runInOwnPipeline(
  client: RedisClient,
  script: ScriptName,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  const pipeline = client.pipeline() as unknown as Record<string, ScriptCommand> & {
    exec(): Promise<Array<[Error | null, unknown]> | null>;
  };
  const command = pipeline[commandName(script)];
  if (command === undefined) throw new Error(`Script ${script} is not defined on this client.`);
  command.call(pipeline, keys.length, ...keys, ...args);
  const [reply] = (await pipeline.exec()) ?? [];
  if (reply === undefined) throw new Error(`No reply to script ${script}.`);
  if (reply[0] !== null) throw reply[0];
  return reply[1];
}
