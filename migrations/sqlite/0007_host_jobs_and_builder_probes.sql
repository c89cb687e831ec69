-- The builder's and the deployer's own jobs join the queue (new job kinds; their host and
-- target are the builder or the deployer, and they belong to no cluster), and every probe of
-- the builder is kept with the time it was taken, so its page shows the last known state and
-- its reachability over the last day.
--
-- SQLite cannot change a CHECK, so `jobs` is rebuilt, and with it the tables that reference
-- it (dropping `jobs` first would cascade to them): the new tables are filled, the old ones
-- dropped children first, and the new ones take the old names.

create table jobs_next (
    id text primary key,
    kind text not null
        check (kind in ('create', 'deploy', 'preview', 'info', 'stop', 'start', 'destroy',
                        'update-channels', 'rebuild', 'restart-agent', 'collect-garbage',
                        'deploy-deployer')),
    cluster text not null,
    cluster_id text not null,
    state text not null
        check (state in ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
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
    cancel_requested_at integer
);

insert into jobs_next select id, kind, cluster, cluster_id, state, params, requested_by,
       requested_via, redeploy_of, host, concurrency_key, exclusive, created_at, started_at,
       finished_at, error, lease_owner, lease_expires_at, cancel_requested_at
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

-- One row per probe of the builder. `facts` (JSON) is there when it was reached; `reason`
-- and `error` say why not otherwise.
create table builder_probes (
    id text primary key,                    -- time-ordered (UUID v7)
    checked_at integer not null,
    reachable integer not null check (reachable in (0, 1)),
    reason text check (reason in ('refused', 'authentication', 'host-key', 'timeout', 'failed')),
    error text,
    facts text
);

create index builder_probes_by_time on builder_probes (checked_at);
