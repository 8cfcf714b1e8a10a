-- Auction state, the append-only ledger, first outcomes of bidIds, and fencing tokens.
-- {{schema}} is replaced by the quoted schema name before this runs. Never edit once released.

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
