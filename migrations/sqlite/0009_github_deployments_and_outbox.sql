-- GitHub deployments as a trigger, and an outbox for what nixdeck tells other systems.
--
-- A cluster says whether GitHub may deploy it (off until an admin turns it on). Each
-- webhook delivery is remembered by its id, so a redelivery does nothing; each GitHub
-- deployment that became a job is remembered, so it never becomes a second one.
--
-- The outbox holds messages to other systems (GitHub's deployment statuses, replies to
-- Slack commands, notifications), written in the transaction of what they report and sent
-- by a worker: in order within a stream (one deployment's statuses, one channel's
-- notifications), each once after it succeeds, retried with backoff until it is given up
-- on.

alter table clusters add column github_deployments integer not null default 0
    check (github_deployments in (0, 1));

create table webhook_deliveries (
    source text not null check (source in ('github', 'slack')),
    delivery_id text not null,
    received_at integer not null,
    primary key (source, delivery_id)
);

create index webhook_deliveries_by_time on webhook_deliveries (received_at);

create table github_deployments (
    repository text not null,
    deployment_id integer not null,
    job_id text not null,
    created_at integer not null,
    primary key (repository, deployment_id)
);

create index github_deployments_by_job on github_deployments (job_id);

create table outbox (
    id text primary key,
    stream text not null,
    kind text not null check (kind in ('github-status', 'slack-response', 'notification')),
    payload text not null,
    created_at integer not null,
    attempts integer not null default 0,
    next_attempt_at integer not null,
    lease_until integer,
    sent_at integer,
    given_up_at integer,
    last_status integer,
    last_error text
);

create index outbox_pending on outbox (stream, id) where sent_at is null and given_up_at is null;
