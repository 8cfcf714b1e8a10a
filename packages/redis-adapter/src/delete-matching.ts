import { isCluster, type RedisClient } from './redis-client.js';

/**
 * Deletes every key matching `pattern`, on each master of a Cluster. Keys are deleted one by
 * one (UNLINK), since keys of different slots cannot go in one command on a Cluster.
 */
export async function deleteMatching(redis: RedisClient, pattern: string): Promise<number> {
  const nodes = isCluster(redis) ? redis.nodes('master') : [redis];
  let deleted = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) {
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.unlink(key);
        await pipeline.exec();
        deleted += keys.length;
      }
    } while (cursor !== '0');
  }
  return deleted;
}
