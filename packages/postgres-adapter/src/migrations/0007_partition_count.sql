-- {{schema}} is replaced by the quoted schema name before this runs. Never edit once released.
-- The partition count the houses on this schema run with: the first house records it, and a
-- house with another count is refused (an auction's rows carry partitionOf(id, count)).
create table {{schema}}.partition_count (
  only_row   boolean primary key default true check (only_row),
  partitions integer not null check (partitions between 1 and 4096)
);
