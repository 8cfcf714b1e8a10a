-- commit_batches, set-based: the batches' fencing tokens and seqs are checked first, batch by
-- batch, then every batch that passed is written with one statement per table, instead of one
-- commit_batch call (five statements) per batch. PostgreSQL's cost per statement dwarfs its cost
-- per row for the small batches of many partitions. Batches sharing a partition or an auction,
-- and a unique violation (a repeated bid_id or seq), go to commit_batches_each: the one-by-one
-- version of migration 5, whose subtransactions find the batch at fault.
alter function {{schema}}.commit_batches(
  integer[], bigint[],
  integer[], text[], text[], bigint[], bigint[], integer[], jsonb[],
  integer[], text[], integer[], text[], text[], text[], bigint[], bigint[], text[], bigint[], jsonb[],
  integer[], text[], text[], text[], text[], jsonb[]
) rename to commit_batches_each;

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
  if (select count(distinct p) <> n from unnest(p_partitions) as p)
     or exists (select 1 from unnest(s_batch, s_id) as u(batch, id) group by u.id having count(distinct u.batch) > 1)
     or exists (select 1 from unnest(e_batch, e_auction_id) as u(batch, id) group by u.id having count(distinct u.batch) > 1) then
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
