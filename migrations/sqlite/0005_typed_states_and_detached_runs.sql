-- Every enum column gets a CHECK of its values; clusters get an identity (a cluster removed
-- and created again under its name is another cluster) and remember whether their NixOps
-- deployment exists on the deployer; jobs become a generic queue (the host a job runs on,
-- its concurrency key, whether it needs its host to itself, how it was requested); and
-- commands run detached on hosts are journalled (where each one's output was taken up to,
-- and how it ended), so a job is continued after a reconnect or a restart.
--
-- SQLite cannot add a CHECK to an existing column, so the tables are rebuilt: the new ones
-- are filled, then the old ones dropped children first (nothing cascades), then the new
-- ones take the old names (which also renames the references to them).

create table clusters_next (
    id text not null unique,
    name text primary key,
    region text not null,
    cluster_index integer not null unique,
    env text not null check (env in ('staging', 'production')),
    domain text,
    dns_zone text,
    versions text not null,
    state text not null check (state in ('new', 'deployed', 'failed', 'stopped')),
    on_deployer integer not null check (on_deployer in (0, 1)),
    last_error text,
    created_by text not null,
    created_at integer not null,
    updated_at integer not null
);

insert into clusters_next (id, name, region, cluster_index, env, domain, dns_zone, versions,
                           state, on_deployer, last_error, created_by, created_at, updated_at)
select lower(hex(randomblob(16))), name, region, cluster_index, env, domain, dns_zone, versions,
       state, case when state = 'new' then 0 else 1 end, null, created_by, created_at,
       updated_at
from clusters;

create table jobs_next (
    id text primary key,
    kind text not null
        check (kind in ('create', 'deploy', 'preview', 'info', 'stop', 'start', 'destroy')),
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

insert into jobs_next (id, kind, cluster, cluster_id, state, params, requested_by,
                       requested_via, redeploy_of, host, concurrency_key, exclusive, created_at,
                       started_at, finished_at, error, lease_owner, lease_expires_at,
                       cancel_requested_at)
select j.id, j.kind, j.cluster, coalesce(c.id, ''), j.state, j.params, j.requested_by, 'session',
       j.redeploy_of, 'deployer', 'deployment:' || j.cluster,
       case when j.cluster = 'deployer' then 1 else 0 end, j.created_at, j.started_at,
       j.finished_at, j.error, j.lease_owner, j.lease_expires_at, j.cancel_requested_at
from jobs j left join clusters_next c on c.name = j.cluster;

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

create table users_next (
    id text primary key,
    provider text not null,
    subject text not null,
    login text not null,
    name text not null,
    role text not null check (role in ('viewer', 'operator', 'admin')),
    created_at integer not null,
    last_seen_at integer not null,
    unique (provider, subject)
);

insert into users_next select id, provider, subject, login, name, role, created_at, last_seen_at
from users;

create table sessions_next (
    id_hash text primary key,
    user_id text not null references users_next (id) on delete cascade,
    created_at integer not null,
    last_seen_at integer not null,
    expires_at integer not null,
    ended_at integer,
    source_addr text,
    provider_token text,
    checked_at integer
);

insert into sessions_next select id_hash, user_id, created_at, last_seen_at, expires_at,
       ended_at, source_addr, provider_token, checked_at
from sessions;

create table api_tokens_next (
    id text primary key,
    name text not null,
    token_hash text not null unique,
    role text not null check (role in ('viewer', 'operator', 'admin')),
    created_by text not null,
    created_at integer not null,
    last_used_at integer,
    revoked_at integer
);

insert into api_tokens_next select id, name, token_hash, role, created_by, created_at,
       last_used_at, revoked_at
from api_tokens;

drop table job_log;
drop table job_steps;
drop table jobs;
drop table clusters;
drop table sessions;
drop table users;
drop table api_tokens;

alter table clusters_next rename to clusters;
alter table jobs_next rename to jobs;
alter table job_steps_next rename to job_steps;
alter table job_log_next rename to job_log;
alter table users_next rename to users;
alter table sessions_next rename to sessions;
alter table api_tokens_next rename to api_tokens;

create index jobs_by_cluster on jobs (cluster, id);
create index jobs_by_state on jobs (state, id);
create index jobs_by_concurrency on jobs (concurrency_key, state);
create index sessions_by_user on sessions (user_id);
create unique index api_tokens_live_name on api_tokens (name) where revoked_at is null;

-- One row per command a job step ran on a host (a step may run several, by ordinal). The
-- offsets say how far each output stream is stored in `job_log`; they are written in the
-- same transaction as the lines, so a re-attach continues exactly after the last line
-- stored. A command that has ended has `ending` and, if it exited, `exit_status`.
create table job_commands (
    job_id text not null references jobs (id) on delete cascade,
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
