-- Leases with fencing tokens. Tokens come from one sequence, so every acquisition of any key
-- gets a larger one than all before it, also after a release deleted the row.
create sequence {{schema}}.lease_tokens;
create table {{schema}}.leases (
  key        text primary key,
  owner      text not null,
  token      bigint not null,
  expires_at timestamptz not null
);
