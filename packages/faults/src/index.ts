export { BidLoad, type BidRecord, type LoadAuction } from './bid-load.js';
export { type FaultRunOptions, type FaultRunReport, type FaultTarget, runFaults } from './fault-run.js';
export { FaultStack, type StackName, type StackServers, type StackSettings } from './fault-stack.js';
export { checkLedger, type LedgerCheck } from './ledger-check.js';
export { PostgresServerProcess, postgresBinFolder } from './postgres-server-process.js';
export { type RedisPersistence, RedisServerProcess } from './redis-server-process.js';
export type { ServerProcess } from './server-process.js';
export { reportLine } from './report-line.js';
export { missingServers } from './servers-available.js';
