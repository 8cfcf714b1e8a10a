export { createRedisAdapters, type RedisAdapters, type RedisAdaptersOptions } from './create-redis-adapters.js';
export { deleteMatching } from './delete-matching.js';
export { partitionTag } from './partition-tags.js';
