-- Each cluster's schedules: a check (an info job, and its machines and DNS where AWS is
-- configured) and a redeploy, each a five-field cron expression in UTC or none. A cluster
-- without a row has the default check (every six hours, once deployed) and no redeploy.
-- `*_last_at` is when the schedule counts from (its last run, or when it was set): a replica
-- runs a schedule by moving it from the value it read, so with several replicas each run
-- happens once, and runs missed while nixdeck was down are one run, not one per miss.
-- `*_ran_at` is its last run.

create table cluster_schedules (
    cluster_id text primary key,
    check_cron text,
    redeploy_cron text,
    check_last_at integer not null,
    redeploy_last_at integer not null,
    check_ran_at integer,
    redeploy_ran_at integer,
    updated_by text not null,
    updated_at integer not null
);
