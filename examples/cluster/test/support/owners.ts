import type { Deployment } from '../../src/deployment.js';
import { ownedPartitions } from '../../src/owner-routes.js';

/**
 * Each partition's owner, once every partition has one, the balancer routes to it, and the
 * servers have shared them out (none above a fair share, ceil(total / servers)): leases move
 * every third of their 10 s at most.
 */
export async function ownersOnceRouted(
  deployment: Deployment,
): Promise<{ total: number; owners: Map<number, string> }> {
  for (let attempt = 0; ; attempt++) {
    const owners = new Map<number, string>();
    let total = 0;
    for (const server of deployment.servers) {
      const answer = await ownedPartitions(server);
      total = answer.total;
      for (const partition of answer.owned) owners.set(partition, server.name);
    }
    const routes = deployment.balancer.routes;
    const fair = Math.ceil(total / deployment.servers.length);
    const shares = deployment.servers.map(
      (server) => [...owners.values()].filter((name) => name === server.name).length,
    );
    const settled =
      owners.size === total &&
      shares.every((share) => share > 0 && share <= fair) &&
      [...owners].every(([partition, name]) => routes.get(partition) === name);
    if (settled) return { total, owners };
    if (attempt === 200) throw new Error(`owners ${[...owners]} never matched routes ${[...routes]}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
