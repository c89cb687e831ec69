-- Every enum column gets a CHECK of its values; clusters get an identity (a cluster removed
-- and created again under its name is another cluster) and remember whether their NixOps
-- deployment exists on the deployer; jobs become a generic queue (the host a job runs on,
-- its concurrency key, whether it needs its host to itself, how it was requested); and
-- commands run detached on hosts are journalled (where each one's output was taken up to,
-- and how it ended), so a job is continued after a reconnect or a restart.

alter table clusters add column id text;
update clusters set id = gen_random_uuid()::text;
alter table clusters alter column id set not null;
alter table clusters add constraint clusters_id_key unique (id);
alter table clusters add column on_deployer boolean;
update clusters set on_deployer = (state <> 'new');
alter table clusters alter column on_deployer set not null;
alter table clusters add column last_error text;
alter table clusters add constraint clusters_env_check check (env in ('staging', 'production'));
alter table clusters add constraint clusters_state_check
    check (state in ('new', 'deployed', 'failed', 'stopped'));

alter table jobs add column cluster_id text;
update jobs set cluster_id = coalesce((select c.id from clusters c where c.name = jobs.cluster), '');
alter table jobs alter column cluster_id set not null;
alter table jobs add column requested_via text not null default 'session';
alter table jobs alter column requested_via drop default;
alter table jobs add column host text not null default 'deployer';
alter table jobs alter column host drop default;
alter table jobs add column concurrency_key text;
update jobs set concurrency_key = 'deployment:' || cluster;
alter table jobs alter column concurrency_key set not null;
alter table jobs add column exclusive boolean;
update jobs set exclusive = (cluster = 'deployer');
alter table jobs alter column exclusive set not null;
alter table jobs add constraint jobs_kind_check
    check (kind in ('create', 'deploy', 'preview', 'info', 'stop', 'start', 'destroy'));
alter table jobs add constraint jobs_state_check
    check (state in ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'));
alter table jobs add constraint jobs_requested_via_check
    check (requested_via in ('session', 'token', 'webhook', 'schedule', 'cli', 'worker'));
create index jobs_by_concurrency on jobs (concurrency_key, state);

alter table job_steps add constraint job_steps_state_check
    check (state in ('pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'));
alter table job_log add constraint job_log_stream_check
    check (stream in ('stdout', 'stderr', 'system', 'step'));

alter table users add constraint users_role_check check (role in ('viewer', 'operator', 'admin'));
alter table api_tokens add constraint api_tokens_role_check
    check (role in ('viewer', 'operator', 'admin'));

-- One row per command a job step ran on a host (a step may run several, by ordinal). The
-- offsets say how far each output stream is stored in `job_log`; they are written in the
-- same transaction as the lines, so a re-attach continues exactly after the last line
-- stored. A command that has ended has `ending` and, if it exited, `exit_status`.
create table job_commands (
    job_id text not null references jobs (id) on delete cascade,
    step bigint not null,
    ordinal bigint not null,
    host text not null,
    run_dir text not null,
    stdout_offset bigint not null default 0,
    stderr_offset bigint not null default 0,
    ending text check (ending in ('exited', 'vanished', 'not_started')),
    exit_status bigint,
    started_at bigint not null,
    finished_at bigint,
    primary key (job_id, step, ordinal)
);
