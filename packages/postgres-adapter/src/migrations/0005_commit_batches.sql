-- Group commits of several partitions in one transaction: one round trip and one WAL flush for
-- every batch a process has ready at once. Row i of the p_ arrays is batch i (its partition and
-- fencing token); the s_, e_ and o_ arrays are those of commit_batch with one more column, the
-- batch each row belongs to. Each batch runs in a subtransaction of its own: a refused batch
-- (stale token, seq conflict) leaves no trace and does not stop the others. Result: one text per
-- batch, 'OK' or '<SQLSTATE> <message>'.
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
