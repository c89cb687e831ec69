-- The audit log: one row per recorded action, hash-chained so that an altered or removed
-- row is detected. `id` is the row's position in the chain, assigned by the application.
create table audit_events (
    id bigint primary key,
    created_at bigint not null, -- milliseconds since the Unix epoch, UTC
    actor text not null,
    action text not null,
    target text not null,
    details text not null,       -- a JSON object, never holding a secret value
    source_addr text,
    prev_hash text not null,     -- the previous event's hash (64 zeros for the first)
    hash text not null unique    -- sha256 over this event's fields and prev_hash
);

create index audit_events_by_actor on audit_events (actor, id);
create index audit_events_by_action on audit_events (action, id);
create index audit_events_by_target on audit_events (target, id);
create index audit_events_by_time on audit_events (created_at);

-- The chain's head, a single row. Writers update it first, which serialises them, and it
-- lets verification notice when the newest events have been cut off.
create table audit_chain_head (
    id integer primary key check (id = 1),
    last_id bigint not null,
    last_hash text not null,
    created_at bigint not null
);

insert into audit_chain_head (id, last_id, last_hash, created_at)
values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);
