import { quoteIdentifier } from './schema-name.js';

/**
 * Every query of the adapters, built once per schema. Hot ones carry a `name`, so pg prepares
 * them once per connection (named prepared statements); the name includes the schema because
 * one pool may serve several schemas.
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** The statements of one schema. */
export type Statements = ReturnType<typeof buildStatements>;

/**
 * Queue and broadcast statements commit without waiting for the WAL flush (`synchronous_commit`
 * off for their own transaction only). Losing the last few of them in a database crash is
 * harmless: a lost enqueue was never answered (its caller times out), a lost delivery or ack
 * means a redelivery, which bidIds make harmless, and a lost broadcast is a seq gap that
 * receivers repair by reloading. The ledger commit, the only promise made to
 * bidders, always waits for the flush. This saves two or three fsyncs per group commit.
 */
const ASYNC_COMMIT = `(select set_config('synchronous_commit', 'off', true) as async_commit)`;

/** `$1, ..., $count`, where each of `jsonArrays` is a JSON array unpacked into a jsonb[] in order. */
function commitArguments(count: number, jsonArrays: readonly number[]): string {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    return jsonArrays.includes(n)
      ? `array(select e from jsonb_array_elements($${n}::jsonb) with ordinality as t(e, i) order by i)`
      : `$${n}`;
  }).join(', ');
}

/** Builds the statements of `schema` (already validated). */
export function buildStatements(schema: string) {
  const s = quoteIdentifier(schema);
  const named = (name: string, text: string): Statement => ({ name: `${schema}.${name}`, text });
  return {
    // ---- store ----
    // The JSON columns (states, commands, outcomes) come as one JSON array each: see groupParameters.
    commitBatch: named('commit', `select ${s}.commit_batch(${commitArguments(23, [8, 18, 23])})`),
    commitBatches: named(
      'commit_batches',
      `select ${s}.commit_batches(${commitArguments(26, [9, 20, 26])}) as results`,
    ),
    getStates: named('get_states', `select id, state from ${s}.auctions where id = any($1::text[])`),
    getOutcomes: named(
      'get_outcomes',
      `select bid_id, auction_id, bidder_id, fingerprint, outcome from ${s}.bid_outcomes where bid_id = any($1::text[])`,
    ),
    getLedger: named(
      'get_ledger',
      `select auction_id, seq, kind, amount, price, leader_id, command from ${s}.ledger
        where auction_id = $1 and seq > $2 order by seq limit $3`,
    ),
    getBids: named(
      'get_bids',
      `select auction_id, seq, kind, amount, price, leader_id, command from ${s}.ledger
        where auction_id = $1 and seq > $2 and bid_id is not null order by seq limit $3`,
    ),
    // Records the first count; returns the one recorded.
    recordPartitionCount: named(
      'record_partition_count',
      `with recorded as (
         insert into ${s}.partition_count (partitions) values ($1)
         on conflict (only_row) do nothing
         returning partitions
       )
       select coalesce((select partitions from recorded), (select partitions from ${s}.partition_count)) as partitions`,
    ),
    // Takes the token when above the partition's highest; answers the highest either way.
    claimPartition: named(
      'claim_partition',
      `with claimed as (
         insert into ${s}.partition_tokens as t (partition, token) values ($1, $2)
         on conflict (partition) do update set token = excluded.token where t.token < excluded.token
         returning token
       )
       select exists (select 1 from claimed) as claimed,
              greatest($2::bigint, (select token from ${s}.partition_tokens where partition = $1)) as highest`,
    ),
    listActive: named(
      'list_active',
      `select state from ${s}.auctions where partition = $1 and status in ('scheduled', 'open')`,
    ),
    // list(): four shapes (status or not, cursor or not), each able to use its index.
    listFirst: named('list_first', `select state from ${s}.auctions order by created_at desc, id desc limit $1`),
    listAfter: named(
      'list_after',
      `select state from ${s}.auctions where (created_at, id) < ($2, $3) order by created_at desc, id desc limit $1`,
    ),
    listStatusFirst: named(
      'list_status_first',
      `select state from ${s}.auctions where status = $2 order by created_at desc, id desc limit $1`,
    ),
    listStatusAfter: named(
      'list_status_after',
      `select state from ${s}.auctions where status = $2 and (created_at, id) < ($3, $4)
        order by created_at desc, id desc limit $1`,
    ),

    // ---- queue ----
    enqueue: named(
      'enqueue',
      `with added as (
         insert into ${s}.queue (partition, command, origin, command_id)
         select $1, u.command, u.origin, u.command_id
           from unnest($2::jsonb[], $3::text[], $4::text[]) with ordinality as u(command, origin, command_id, n)
          order by u.n
         returning 1
       )
       select pg_notify($5, $1::text) from (select count(*) from added) as c, ${ASYNC_COMMIT} as a`,
    ),
    read: named(
      'read',
      `update ${s}.queue q set consumer = $2, delivered_at = now() from ${ASYNC_COMMIT} as a
        where q.id in (select id from ${s}.queue where partition = $1 and consumer is null
                        order by id limit $3 for update skip locked)
        returning q.id, q.command, q.origin, q.command_id`,
    ),
    claimStale: named(
      'claim_stale',
      `update ${s}.queue q set consumer = $2, delivered_at = now() from ${ASYNC_COMMIT} as a
        where q.id in (select id from ${s}.queue
                        where partition = $1 and consumer is not null
                          and delivered_at <= now() - make_interval(secs => $3::double precision / 1000)
                        order by id limit $4 for update skip locked)
        returning q.id, q.command, q.origin, q.command_id`,
    ),
    ack: named(
      'ack',
      `delete from ${s}.queue q using ${ASYNC_COMMIT} as a where q.partition = $1 and q.id = any($2::bigint[])`,
    ),
    depth: named('depth', `select count(*)::integer as depth from ${s}.queue where partition = $1`),

    // ---- lock ----
    // A key's row outlives its leases (release only expires it): its token is the floor of the next.
    acquire: named(
      'acquire',
      `insert into ${s}.leases as l (key, owner, token, expires_at)
       values ($1, $2, greatest(nextval('${s}.lease_tokens'), $4::bigint),
               now() + make_interval(secs => $3::double precision / 1000))
       on conflict (key) do update
         set owner = excluded.owner, token = greatest(excluded.token, l.token + 1), expires_at = excluded.expires_at
         where l.expires_at <= now()
       returning token, (extract(epoch from expires_at) * 1000)::bigint as expires_at`,
    ),
    renew: named(
      'renew',
      `update ${s}.leases set expires_at = now() + make_interval(secs => $4::double precision / 1000)
        where key = $1 and owner = $2 and token = $3 and expires_at > now()
        returning token, (extract(epoch from expires_at) * 1000)::bigint as expires_at`,
    ),
    release: named(
      'release',
      `update ${s}.leases set expires_at = '-infinity'
        where key = $1 and owner = $2 and token = $3 and expires_at > '-infinity'`,
    ),

    // ---- broadcaster ----
    notify: named('notify', `select pg_notify($1, $2) from ${ASYNC_COMMIT} as a`),
    notifyOverflow: named(
      'notify_overflow',
      `with kept as (insert into ${s}.broadcast_overflow (message) values ($3) returning id)
       select pg_notify($1, $2 || kept.id::text) from kept, ${ASYNC_COMMIT} as a`,
    ),
    pruneOverflow: named(
      'prune_overflow',
      `delete from ${s}.broadcast_overflow where created_at < now() - interval '5 minutes'`,
    ),
    getOverflow: named('get_overflow', `select message from ${s}.broadcast_overflow where id = $1`),
  } as const;
}
