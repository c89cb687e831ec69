-- Finished jobs whose log lines the retention rule removed (NIXDECK_LOG_RETENTION_DAYS):
-- when, and how many, so the job's page says so instead of showing an empty log.
create table job_log_removals (
    job_id text primary key references jobs (id) on delete cascade,
    removed_at integer not null,
    lines integer not null
);

-- The retention sweep looks for jobs that finished before a cut-off.
create index jobs_by_finish on jobs (finished_at);
