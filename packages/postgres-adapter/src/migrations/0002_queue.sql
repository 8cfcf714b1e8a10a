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
