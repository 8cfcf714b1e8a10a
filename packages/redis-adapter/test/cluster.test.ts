import { spawnSync } from 'node:child_process';
import type { BroadcastMessage } from '@outcry/core/adapter-kit';
import { commitBatchOf, describeStackContract, eventually, ScriptedAuction } from '@outcry/core/testing';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters } from '../src/create-redis-adapters.js';
import { RedisKeys } from '../src/keys.js';
import { partitionTag, slotOfTag } from '../src/partition-tags.js';
import { RedisBroadcaster } from '../src/redis-broadcaster.js';
import { checkAuctions, createAuctions } from './support/auction-checks.js';
import { ChildHouse } from './support/child-house.js';
import { describeRedisContracts } from './support/contract-suites.js';
import { LocalCluster } from './support/local-cluster.js';
import { redisStack } from './support/redis-stack.js';
import { servicesRequired } from './support/redis-test-env.js';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) {
  const message = 'redis-server is not installed: the Redis Cluster tests cannot start a cluster.';
  if (servicesRequired) throw new Error(`${message} (CI=true or REQUIRE_SERVICES=1)`);
  console.warn(`SKIPPED: ${message}`);
}

// Ports of this run's three masters (and their bus ports, 10,000 above), apart from other runs.
const basePort = 17_000 + (process.pid % 1_000) * 3;
const PARTITIONS = 16;

describe.skipIf(!hasRedisServer)('on a three-master Redis Cluster', () => {
  let local: LocalCluster;
  let cluster: Cluster;
  beforeAll(async () => {
    local = await LocalCluster.start(basePort);
    cluster = local.client();
  }, 60_000);
  afterAll(async () => {
    await cluster?.quit();
    await local?.stop();
  });

  it('spreads the partitions over every master, each partition on one slot', async () => {
    const adapters = createRedisAdapters({ redis: cluster, prefix: 'spread:', partitions: PARTITIONS });
    const auctionIds = await createAuctions(cluster, 'spread:', PARTITIONS, 24, 60_000);
    const masters = cluster.nodes('master');
    expect(masters).toHaveLength(3);
    const keysPerMaster = await Promise.all(masters.map((node) => node.dbsize()));
    for (const keys of keysPerMaster) expect(keys).toBeGreaterThan(0);
    // Each master holds 5 or 6 of the 16 partitions, their slots as the adapter computes them.
    const keys = new RedisKeys('spread:', PARTITIONS);
    const slots = await Promise.all(
      Array.from(
        { length: PARTITIONS },
        (_, p) => cluster.call('CLUSTER', 'KEYSLOT', keys.state(p, 'a')) as Promise<number>,
      ),
    );
    expect(slots).toEqual(Array.from({ length: PARTITIONS }, (_, p) => slotOfTag(partitionTag(p, PARTITIONS))));
    const ranges = (await cluster.call('CLUSTER', 'SLOTS')) as Array<[number, number, ...unknown[]]>;
    const perMaster = ranges.map(([from, to]) => slots.filter((slot) => slot >= from && slot <= to).length);
    expect(perMaster.sort()).toEqual([5, 5, 6]);
    expect((await adapters.store.getMany(auctionIds)).every((state) => state?.status === 'open')).toBe(true);
    await adapters.close();
  });

  describeRedisContracts(() => cluster, 'contract:');

  // Ids with { } * : and spaces never move a key to another slot: a commit would fail CROSSSLOT.
  describeStackContract(
    'everything on a Redis Cluster',
    redisStack(() => local.client()),
  );

  it("publishes each commit's broadcast from the script with SPUBLISH, on every partition's node", async () => {
    const prefix = 'spublish:';
    const adapters = createRedisAdapters({ redis: cluster, prefix, partitions: PARTITIONS });
    const elsewhere = new RedisBroadcaster({ redis: cluster, keys: new RedisKeys(prefix, PARTITIONS) });
    const heard: BroadcastMessage[] = [];
    const all = Array.from({ length: PARTITIONS }, (_, p) => p);
    await elsewhere.subscribe(all, (message) => heard.push(message));
    const sent: BroadcastMessage[] = [];
    for (const partition of all) {
      const auction = ScriptedAuction.create();
      const message: BroadcastMessage = { partition, origin: 'house-a', events: [], snapshots: [] };
      sent.push(message);
      await adapters.store.commit({ ...commitBatchOf(partition, 1, [auction]), broadcast: message });
    }
    await eventually(() => heard.length === PARTITIONS, 5_000, 'every partition heard');
    expect(heard.sort((a, b) => a.partition - b.partition)).toEqual(sent);
    await elsewhere.close();
    await adapters.close();
  });

  it('two processes bidding on the same auctions through the Cluster keep one history per auction', async () => {
    const prefix = 'multi:';
    const children = [0, 1].map(
      (i) =>
        new ChildHouse({
          CLUSTER_NODES: local.nodes,
          PREFIX: prefix,
          PARTITIONS: String(PARTITIONS),
          HOUSE_ID: `cl-${i}`,
          DURATION_MS: '2000',
          CONCURRENCY: '12',
        }),
    );
    try {
      await Promise.all(children.map((child) => child.waitFor('ready')));
      // Created once every process runs (their sequencers judge the creates), so that
      // a slow start does not eat the bidding time.
      const auctionIds = await createAuctions(cluster, prefix, PARTITIONS, 6, 4_000);
      for (const child of children) child.send(`go ${auctionIds.join(',')}`);
      await Promise.all(children.map((child) => child.waitFor('done', 30_000)));
      const adapters = createRedisAdapters({ redis: cluster, prefix, partitions: PARTITIONS });
      await eventually(
        async () => (await adapters.store.getMany(auctionIds)).every((state) => state?.status === 'closed'),
        15_000,
        'every auction closed',
      );
      const accepted = children.flatMap((child) => child.accepted());
      for (const child of children) expect(child.failures()).toEqual([]);
      expect(accepted.length).toBeGreaterThan(20);
      expect(await checkAuctions(adapters.store, auctionIds, accepted, true)).toBe(accepted.length);
      await adapters.close();
    } finally {
      await Promise.all(children.map((child) => child.stop()));
    }
    for (const child of children) expect(await child.exited).toBe(0);
  });
});
