-- Delivery: every job records where it came from (its trigger: the dashboard, the API,
-- GitHub, Slack, a schedule, a redeploy, and what the trigger names), and production's
-- deploys, stops and destroys wait for a second admin (new states awaiting_approval,
-- rejected and expired; when the wait ends; what the cluster was when it was asked, so a
-- change while it waits makes it unapprovable; who decided and what they said).
--
-- SQLite cannot change a CHECK, so `jobs` is rebuilt with the tables that reference it, as
-- in 0007. Existing jobs get the trigger their way in implies.

create table jobs_next (
    id text primary key,
    kind text not null
        check (kind in ('create', 'deploy', 'preview', 'info', 'stop', 'start', 'destroy',
                        'update-channels', 'rebuild', 'restart-agent', 'collect-garbage',
                        'deploy-deployer')),
    cluster text not null,
    cluster_id text not null,
    state text not null
        check (state in ('awaiting_approval', 'queued', 'running', 'succeeded', 'failed',
                         'cancelled', 'interrupted', 'rejected', 'expired')),
    params text not null,
    requested_by text not null,
    requested_via text not null
        check (requested_via in ('session', 'token', 'webhook', 'schedule', 'cli', 'worker')),
    redeploy_of text,
    host text not null,
    concurrency_key text not null,
    exclusive integer not null check (exclusive in (0, 1)),
    created_at integer not null,
    started_at integer,
    finished_at integer,
    error text,
    lease_owner text,
    lease_expires_at integer,
    cancel_requested_at integer,
    trigger_kind text not null
        check (trigger_kind in ('ui', 'api', 'github', 'slack', 'schedule', 'redeploy', 'cli')),
    trigger_ref text,
    approval_expires_at integer,
    approval_basis text,
    decided_by text,
    decided_at integer,
    decision_comment text
);

insert into jobs_next select id, kind, cluster, cluster_id, state, params, requested_by,
       requested_via, redeploy_of, host, concurrency_key, exclusive, created_at, started_at,
       finished_at, error, lease_owner, lease_expires_at, cancel_requested_at,
       case
           when redeploy_of is not null then 'redeploy'
           when requested_via = 'token' then 'api'
           when requested_via = 'webhook' then 'github'
           when requested_via = 'schedule' then 'schedule'
           when requested_via = 'cli' then 'cli'
           else 'ui'
       end,
       null, null, null, null, null, null
from jobs;

create table job_steps_next (
    job_id text not null references jobs_next (id) on delete cascade,
    position integer not null,
    name text not null,
    state text not null
        check (state in ('pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled')),
    started_at integer,
    finished_at integer,
    primary key (job_id, position)
);

insert into job_steps_next select job_id, position, name, state, started_at, finished_at
from job_steps;

create table job_log_next (
    job_id text not null references jobs_next (id) on delete cascade,
    seq integer not null,
    stream text not null check (stream in ('stdout', 'stderr', 'system', 'step')),
    at integer not null,
    text text not null,
    primary key (job_id, seq)
);

insert into job_log_next select job_id, seq, stream, at, text from job_log;

create table job_commands_next (
    job_id text not null references jobs_next (id) on delete cascade,
    step integer not null,
    ordinal integer not null,
    host text not null,
    run_dir text not null,
    stdout_offset integer not null default 0,
    stderr_offset integer not null default 0,
    ending text check (ending in ('exited', 'vanished', 'not_started')),
    exit_status integer,
    started_at integer not null,
    finished_at integer,
    primary key (job_id, step, ordinal)
);

insert into job_commands_next select job_id, step, ordinal, host, run_dir, stdout_offset,
       stderr_offset, ending, exit_status, started_at, finished_at
from job_commands;

drop table job_commands;
drop table job_log;
drop table job_steps;
drop table jobs;

alter table jobs_next rename to jobs;
alter table job_steps_next rename to job_steps;
alter table job_log_next rename to job_log;
alter table job_commands_next rename to job_commands;

create index jobs_by_cluster on jobs (cluster, id);
create index jobs_by_state on jobs (state, id);
create index jobs_by_concurrency on jobs (concurrency_key, state);
create index jobs_by_host on jobs (host, id);
create index jobs_awaiting_approval on jobs (approval_expires_at) where state = 'awaiting_approval';
