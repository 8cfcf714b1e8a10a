import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { RedisChoice } from './deployment.js';

const count = (max: number) => z.coerce.number().int().min(0).max(max);

/** The launcher's command line, checked: every mistake is named with what it accepts. */
const optionsSchema = z
  .object({
    servers: count(32).min(1).default(3),
    spare: count(32).default(2),
    host: z.string().min(1).default('127.0.0.1'),
    port: count(65_535).default(8080),
    'redis-url': z.string().min(1).optional(),
    'redis-cluster': z.boolean().default(false),
    'redis-cluster-nodes': z
      .string()
      .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, { error: 'host:port pairs, comma-separated' })
      .optional(),
    'route-bids': z.enum(['owner', 'any']).default('owner'),
    quiet: z.boolean().default(false),
    help: z.boolean().default(false),
  })
  .refine(
    (o) =>
      [o['redis-url'] !== undefined, o['redis-cluster'], o['redis-cluster-nodes'] !== undefined].filter(Boolean)
        .length <= 1,
    {
      error: 'choose one of --redis-url, --redis-cluster and --redis-cluster-nodes',
    },
  );

export interface ClusterOptions {
  readonly servers: number;
  readonly spare: number;
  readonly bind: { readonly host: string; readonly port: number };
  readonly redis: RedisChoice;
  /** `owner`: HAProxy sends each bid to the server owning its partition; `any`: round robin. */
  readonly routeBids: 'owner' | 'any';
  /** Do not print the processes' lines. */
  readonly quiet: boolean;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run cluster -- [options]

  --servers=N                server processes to start (3)
  --spare=N                  further balancer slots, for servers that join later (2)
  --port=P                   where HAProxy listens (8080); --host=H (127.0.0.1)
  --redis-url=URL            one Redis (REDIS_URL, else redis://127.0.0.1:6379)
  --redis-cluster            start a local Redis Cluster of 3 masters for this deployment
  --redis-cluster-nodes=L    an existing Redis Cluster: host:port seed nodes, comma-separated
  --route-bids=owner|any     owner (default): HAProxy sends each bid to the server sequencing its
                             auction; any: round robin, bids forwarded through Redis
  --quiet                    do not print the servers' and HAProxy's lines
  --help                     this text

Every other setting of the servers comes from the environment (examples/server/README.md).`;

/** Reads the command line; throws an Error whose message names every bad option. */
export function parseClusterOptions(args: readonly string[], env: NodeJS.ProcessEnv = process.env): ClusterOptions {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        servers: { type: 'string' },
        spare: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'redis-url': { type: 'string' },
        'redis-cluster': { type: 'boolean' },
        'redis-cluster-nodes': { type: 'string' },
        'route-bids': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\n${USAGE}`);
  }
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.length > 0 ? `--${issue.path.join('.')}: ` : ''}${issue.message}`,
    );
    throw new Error(`Invalid options:\n${lines.join('\n')}\n\n${USAGE}`);
  }
  const o = parsed.data;
  const redis: RedisChoice = o['redis-cluster']
    ? { kind: 'local-cluster', masters: 3 }
    : o['redis-cluster-nodes'] !== undefined
      ? { kind: 'cluster', nodes: o['redis-cluster-nodes'] }
      : { kind: 'url', url: o['redis-url'] ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
  return {
    servers: o.servers,
    spare: o.spare,
    bind: { host: o.host, port: o.port },
    redis,
    routeBids: o['route-bids'],
    quiet: o.quiet,
    help: o.help,
  };
}
