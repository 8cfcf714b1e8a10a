-- Broadcast messages too large for a NOTIFY payload (8,000 bytes): the notification carries
-- the row id and receivers fetch the message. Old rows are deleted by later publishes.
create table {{schema}}.broadcast_overflow (
  id         bigint generated always as identity primary key,
  message    text not null,
  created_at timestamptz not null default now()
);
