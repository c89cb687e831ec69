-- Notification channels: a Slack incoming webhook or any URL taking signed JSON, the events
-- each wants (a JSON array) and the clusters (a JSON array, or null for every cluster).
-- The URL and the secret are secrets: the API and the pages show them masked. What a
-- channel is sent goes through the outbox (stream `channel:<id>`).
--
-- Each cluster's last known health, so a change of it is told once.

create table notification_channels (
    id text primary key,
    name text not null unique,
    kind text not null check (kind in ('slack', 'webhook')),
    url text not null,
    secret text,
    events text not null,
    clusters text,
    created_by text not null,
    created_at bigint not null,
    updated_at bigint not null
);

create table cluster_healths (
    cluster_id text primary key,
    status text not null check (status in ('healthy', 'degraded')),
    changed_at bigint not null
);
