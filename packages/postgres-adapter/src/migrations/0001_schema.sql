-- The whole schema of the adapters. {{schema}} is replaced by the quoted schema name before this
-- runs. Never edit once released: a change is a new migration.

-- Auction state, the append-only ledger, first outcomes of bidIds, and fencing tokens.
create table {{schema}}.auctions (
  id          text collate "C" primary key,  -- byte order, as list cursors compare ids
  partition   integer not null,
  status      text not null,
  created_at  bigint not null,  -- ms since the epoch (spec.createdAt)
  ends_at     bigint not null,  -- ms since the epoch, the current (extended) end
  seq         integer not null,
  state       jsonb not null
);
-- Keyset pagination of list(): newest first, with and without a status filter.
create index auctions_newest on {{schema}}.auctions (created_at desc, id desc);
create index auctions_status_newest on {{schema}}.auctions (status, created_at desc, id desc);
-- What a new owner of a partition loads, and what a sweeper would scan by end.
create index auctions_active on {{schema}}.auctions (partition) where status in ('scheduled', 'open');
create index auctions_ends_at on {{schema}}.auctions (ends_at) where status in ('scheduled', 'open');

create table {{schema}}.ledger (
  auction_id  text not null,
  seq         integer not null,
  kind        text not null,    -- the command type: create, open, bid, buy-now, cancel, close
  bid_id      text,             -- bids and buy-nows only
  bidder_id   text,
  amount      bigint,           -- a bid's maximum in minor units
  price       bigint not null,  -- the public price after the change, minor units
  leader_id   text,
  received_at bigint not null,
  command     jsonb not null,
  primary key (auction_id, seq)
);
-- One bidId never makes two ledger entries (lifecycle entries have none: nulls are distinct).
create unique index ledger_bid_id on {{schema}}.ledger (bid_id);
-- getBids pages through bids only.
create index ledger_bids on {{schema}}.ledger (auction_id, seq) where bid_id is not null;

create table {{schema}}.bid_outcomes (
  bid_id      text primary key,
  auction_id  text not null,
  bidder_id   text not null,
  fingerprint text not null,
  outcome     jsonb not null
);

create table {{schema}}.partition_tokens (
  partition   integer primary key,
  token       bigint not null
);

-- The partition count the houses on this schema run with: the first house records it, and a
-- house with another count is refused (an auction's rows carry partitionOf(id, count)).
create table {{schema}}.partition_count (
  only_row   boolean primary key default true check (only_row),
  partitions integer not null check (partitions between 1 and 4096)
);

-- The command queue: FIFO by id per partition. An entry is waiting while consumer is null,
-- delivered (to consumer, at delivered_at) until acknowledged, and deleted by ack.
create table {{schema}}.queue (
  id           bigint generated always as identity primary key,
  partition    integer not null,
  command      jsonb not null,
  origin       text not null,
  command_id   text not null,
  consumer     text,
  delivered_at timestamptz
);
create index queue_waiting on {{schema}}.queue (partition, id) where consumer is null;
create index queue_delivered on {{schema}}.queue (partition, id) where consumer is not null;

-- Leases with fencing tokens. Tokens come from one sequence, so every acquisition of any key
-- gets a larger one than all before it, also after a release deleted the row.
create sequence {{schema}}.lease_tokens;
create table {{schema}}.leases (
  key        text primary key,
  owner      text not null,
  token      bigint not null,
  expires_at timestamptz not null
);

-- Broadcast messages too large for a NOTIFY payload (8,000 bytes): the notification carries
-- the row id and receivers fetch the message. Old rows are deleted by later publishes.
create table {{schema}}.broadcast_overflow (
  id         bigint generated always as identity primary key,
  message    text not null,
  created_at timestamptz not null default now()
);

-- One group commit, atomically, in one round trip. Raises SQLSTATE OC409 when the fencing
-- token is below the highest seen for the partition, or when an auction's first entry does
-- not follow its last committed seq; a repeated (auction_id, seq) or bid_id raises 23505.
-- Either way the statement, and so the whole batch, is rolled back.
create function {{schema}}.commit_batch(
  p_partition integer,
  p_token bigint,
  s_id text[], s_status text[], s_created_at bigint[], s_ends_at bigint[], s_seq integer[], s_state jsonb[],
  e_auction_id text[], e_seq integer[], e_kind text[], e_bid_id text[], e_bidder_id text[], e_amount bigint[],
  e_price bigint[], e_leader_id text[], e_received_at bigint[], e_command jsonb[],
  o_bid_id text[], o_auction_id text[], o_bidder_id text[], o_fingerprint text[], o_outcome jsonb[]
) returns void
language plpgsql
as $$
declare
  raised bigint;
  broken text;
begin
  -- Check and raise the token in one step; the row lock also orders commits of a partition.
  insert into {{schema}}.partition_tokens as t (partition, token) values (p_partition, p_token)
    on conflict (partition) do update set token = excluded.token where t.token <= excluded.token
    returning token into raised;
  if raised is null then
    raise exception using errcode = 'OC409',
      message = format('Commit for partition %s refused: token %s is below the highest seen.', p_partition, p_token);
  end if;

  -- Each auction's first new entry must follow its last committed one: no gap, no repeat.
  select b.auction_id into broken
    from (select auction_id, min(seq) as first_seq from unnest(e_auction_id, e_seq) as u(auction_id, seq) group by auction_id) b
    where b.first_seq <> coalesce((select max(l.seq) from {{schema}}.ledger l where l.auction_id = b.auction_id), 0) + 1
    limit 1;
  if broken is not null then
    raise exception using errcode = 'OC409', message = format('Ledger conflict on auction %s: seq does not follow.', broken);
  end if;

  insert into {{schema}}.auctions as a (id, partition, status, created_at, ends_at, seq, state)
    select u.id, p_partition, u.status, u.created_at, u.ends_at, u.seq, u.state
      from unnest(s_id, s_status, s_created_at, s_ends_at, s_seq, s_state) as u(id, status, created_at, ends_at, seq, state)
    on conflict (id) do update
      set status = excluded.status, ends_at = excluded.ends_at, seq = excluded.seq, state = excluded.state
      where a.seq <= excluded.seq;

  insert into {{schema}}.ledger (auction_id, seq, kind, bid_id, bidder_id, amount, price, leader_id, received_at, command)
    select * from unnest(e_auction_id, e_seq, e_kind, e_bid_id, e_bidder_id, e_amount, e_price, e_leader_id, e_received_at, e_command);

  insert into {{schema}}.bid_outcomes (bid_id, auction_id, bidder_id, fingerprint, outcome)
    select * from unnest(o_bid_id, o_auction_id, o_bidder_id, o_fingerprint, o_outcome)
    on conflict (bid_id) do nothing;
end;
$$;

-- Group commits of several partitions in one transaction, one batch at a time: one round trip
-- and one WAL flush for every batch a process has ready at once. Row i of the p_ arrays is batch
-- i (its partition and fencing token); the s_, e_ and o_ arrays are those of commit_batch with
-- one more column, the batch each row belongs to. Each batch runs in a subtransaction of its
-- own: a refused batch (stale token, seq conflict) leaves no trace and does not stop the others.
-- Result: one text per batch, 'OK' or '<SQLSTATE> <message>'.
create function {{schema}}.commit_batches_each(
  p_partitions integer[], p_tokens bigint[],
  s_batch integer[], s_id text[], s_status text[], s_created_at bigint[], s_ends_at bigint[], s_seq integer[], s_state jsonb[],
  e_batch integer[], e_auction_id text[], e_seq integer[], e_kind text[], e_bid_id text[], e_bidder_id text[], e_amount bigint[],
  e_price bigint[], e_leader_id text[], e_received_at bigint[], e_command jsonb[],
  o_batch integer[], o_bid_id text[], o_auction_id text[], o_bidder_id text[], o_fingerprint text[], o_outcome jsonb[]
) returns text[]
language plpgsql
as $$
declare
  results text[] := '{}';
  s integer[];
  e integer[];
  o integer[];
begin
  for b in 1 .. coalesce(array_length(p_partitions, 1), 0) loop
    -- Positions of this batch's rows, in their order.
    s := array(select u.n from unnest(s_batch) with ordinality as u(batch, n) where u.batch = b order by u.n);
    e := array(select u.n from unnest(e_batch) with ordinality as u(batch, n) where u.batch = b order by u.n);
    o := array(select u.n from unnest(o_batch) with ordinality as u(batch, n) where u.batch = b order by u.n);
    begin
      perform {{schema}}.commit_batch(
        p_partitions[b], p_tokens[b],
        array(select s_id[i] from unnest(s) with ordinality as x(i, k) order by k),
        array(select s_status[i] from unnest(s) with ordinality as x(i, k) order by k),
        array(select s_created_at[i] from unnest(s) with ordinality as x(i, k) order by k),
        array(select s_ends_at[i] from unnest(s) with ordinality as x(i, k) order by k),
        array(select s_seq[i] from unnest(s) with ordinality as x(i, k) order by k),
        array(select s_state[i] from unnest(s) with ordinality as x(i, k) order by k),
        array(select e_auction_id[i] from unnest(e) with ordinality as x(i, k) order by k),
        array(select e_seq[i] from unnest(e) with ordinality as x(i, k) order by k),
        array(select e_kind[i] from unnest(e) with ordinality as x(i, k) order by k),
        array(select e_bid_id[i] from unnest(e) with ordinality as x(i, k) order by k),
        array(select e_bidder_id[i] from unnest(e) with ordinality as x(i, k) order by k),
        array(select e_amount[i] from unnest(e) with ordinality as x(i, k) order by k),
        array(select e_price[i] from unnest(e) with ordinality as x(i, k) order by k),
        array(select e_leader_id[i] from unnest(e) with ordinality as x(i, k) order by k),
        array(select e_received_at[i] from unnest(e) with ordinality as x(i, k) order by k),
        array(select e_command[i] from unnest(e) with ordinality as x(i, k) order by k),
        array(select o_bid_id[i] from unnest(o) with ordinality as x(i, k) order by k),
        array(select o_auction_id[i] from unnest(o) with ordinality as x(i, k) order by k),
        array(select o_bidder_id[i] from unnest(o) with ordinality as x(i, k) order by k),
        array(select o_fingerprint[i] from unnest(o) with ordinality as x(i, k) order by k),
        array(select o_outcome[i] from unnest(o) with ordinality as x(i, k) order by k)
      );
      results := results || 'OK'::text;
    exception when others then
      results := results || (sqlstate || ' ' || sqlerrm);
    end;
  end loop;
  return results;
end;
$$;

-- commit_batches, set-based: the batches' fencing tokens and seqs are checked first, batch by
-- batch, then every batch that passed is written with one statement per table, instead of one
-- commit_batch call (five statements) per batch. PostgreSQL's cost per statement dwarfs its cost
-- per row for the small batches of many partitions. Batches sharing a partition, and a unique
-- violation (a repeated bid_id or seq), go to commit_batches_each, whose subtransactions find the
-- batch at fault. An auction is only ever committed into its own partition, so batches of
-- distinct partitions share no auction. Same arguments and result as commit_batches_each.
create function {{schema}}.commit_batches(
  p_partitions integer[], p_tokens bigint[],
  s_batch integer[], s_id text[], s_status text[], s_created_at bigint[], s_ends_at bigint[], s_seq integer[], s_state jsonb[],
  e_batch integer[], e_auction_id text[], e_seq integer[], e_kind text[], e_bid_id text[], e_bidder_id text[], e_amount bigint[],
  e_price bigint[], e_leader_id text[], e_received_at bigint[], e_command jsonb[],
  o_batch integer[], o_bid_id text[], o_auction_id text[], o_bidder_id text[], o_fingerprint text[], o_outcome jsonb[]
) returns text[]
language plpgsql
as $$
declare
  n integer := coalesce(array_length(p_partitions, 1), 0);
  results text[] := array_fill('OK'::text, array[n]);
  raised bigint;
  broken record;
begin
  if n = 0 then
    return results;
  end if;
  if (select count(distinct p) <> n from unnest(p_partitions) as p) then
    return {{schema}}.commit_batches_each(p_partitions, p_tokens,
      s_batch, s_id, s_status, s_created_at, s_ends_at, s_seq, s_state,
      e_batch, e_auction_id, e_seq, e_kind, e_bid_id, e_bidder_id, e_amount, e_price, e_leader_id, e_received_at, e_command,
      o_batch, o_bid_id, o_auction_id, o_bidder_id, o_fingerprint, o_outcome);
  end if;

  begin
    -- Fencing: check and raise each partition's token (its row lock orders commits of a partition).
    for b in 1 .. n loop
      insert into {{schema}}.partition_tokens as t (partition, token) values (p_partitions[b], p_tokens[b])
        on conflict (partition) do update set token = excluded.token where t.token <= excluded.token
        returning token into raised;
      if raised is null then
        results[b] := 'OC409 ' || format('Commit for partition %s refused: token %s is below the highest seen.',
          p_partitions[b], p_tokens[b]);
      end if;
    end loop;

    -- Each auction's first new entry must follow its last committed one.
    for broken in
      select f.batch, f.auction_id
        from (select u.batch, u.auction_id, min(u.seq) as first_seq
                from unnest(e_batch, e_auction_id, e_seq) as u(batch, auction_id, seq)
               group by u.batch, u.auction_id) f
       where f.first_seq <> coalesce((select max(l.seq) from {{schema}}.ledger l where l.auction_id = f.auction_id), 0) + 1
    loop
      if results[broken.batch] = 'OK' then
        results[broken.batch] := 'OC409 ' || format('Ledger conflict on auction %s: seq does not follow.', broken.auction_id);
      end if;
    end loop;

    insert into {{schema}}.auctions as a (id, partition, status, created_at, ends_at, seq, state)
      select u.id, p_partitions[u.batch], u.status, u.created_at, u.ends_at, u.seq, u.state
        from unnest(s_batch, s_id, s_status, s_created_at, s_ends_at, s_seq, s_state)
             as u(batch, id, status, created_at, ends_at, seq, state)
       where results[u.batch] = 'OK'
      on conflict (id) do update
        set status = excluded.status, ends_at = excluded.ends_at, seq = excluded.seq, state = excluded.state
        where a.seq <= excluded.seq;

    insert into {{schema}}.ledger (auction_id, seq, kind, bid_id, bidder_id, amount, price, leader_id, received_at, command)
      select u.auction_id, u.seq, u.kind, u.bid_id, u.bidder_id, u.amount, u.price, u.leader_id, u.received_at, u.command
        from unnest(e_batch, e_auction_id, e_seq, e_kind, e_bid_id, e_bidder_id, e_amount, e_price, e_leader_id,
                    e_received_at, e_command)
             as u(batch, auction_id, seq, kind, bid_id, bidder_id, amount, price, leader_id, received_at, command)
       where results[u.batch] = 'OK';

    insert into {{schema}}.bid_outcomes (bid_id, auction_id, bidder_id, fingerprint, outcome)
      select u.bid_id, u.auction_id, u.bidder_id, u.fingerprint, u.outcome
        from unnest(o_batch, o_bid_id, o_auction_id, o_bidder_id, o_fingerprint, o_outcome)
             as u(batch, bid_id, auction_id, bidder_id, fingerprint, outcome)
       where results[u.batch] = 'OK'
      on conflict (bid_id) do nothing;
    return results;
  exception when unique_violation then
    -- Everything above is undone; the one-by-one version finds the batch at fault.
    return {{schema}}.commit_batches_each(p_partitions, p_tokens,
      s_batch, s_id, s_status, s_created_at, s_ends_at, s_seq, s_state,
      e_batch, e_auction_id, e_seq, e_kind, e_bid_id, e_bidder_id, e_amount, e_price, e_leader_id, e_received_at, e_command,
      o_batch, o_bid_id, o_auction_id, o_bidder_id, o_fingerprint, o_outcome);
  end;
end;
$$;
