-- Clusters (the runbook's deployments of deployments/cluster.nix), the jobs that run the
-- runbook against them, each job's steps, and every line of output.

create table clusters (
    name text primary key,
    region text not null,
    cluster_index bigint not null unique,   -- unique per deployer (it picks the subnets)
    env text not null,                      -- 'staging' or 'production'
    domain text,                            -- staging only; production turns DNS off
    dns_zone text,
    versions text not null,                 -- JSON: dependency name -> git ref, all six
    state text not null,                    -- 'new', 'deployed', 'failed', 'stopped'
    created_by text not null,
    created_at bigint not null,
    updated_at bigint not null
);

-- Jobs outlive their cluster (a destroyed cluster's history stays readable), so they name
-- it rather than reference it.
create table jobs (
    id text primary key,                    -- time-ordered (UUID v7): id order is queue order
    kind text not null,
    cluster text not null,
    state text not null,                    -- queued running succeeded failed cancelled interrupted
    params text not null,                   -- JSON: the arguments and versions it runs with
    requested_by text not null,
    redeploy_of text,
    created_at bigint not null,
    started_at bigint,
    finished_at bigint,
    error text,
    lease_owner text,                       -- the worker running it
    lease_expires_at bigint,                    -- renewed while it runs; lapsed means the worker is gone
    cancel_requested_at bigint
);

create index jobs_by_cluster on jobs (cluster, id);
create index jobs_by_state on jobs (state, id);

create table job_steps (
    job_id text not null references jobs (id) on delete cascade,
    position bigint not null,
    name text not null,
    state text not null,                    -- pending running succeeded failed skipped cancelled
    started_at bigint,
    finished_at bigint,
    primary key (job_id, position)
);

create table job_log (
    job_id text not null references jobs (id) on delete cascade,
    seq bigint not null,                        -- 1, 2, 3, ... within the job, no gaps
    stream text not null,                   -- 'stdout', 'stderr' or 'system'
    at bigint not null,
    text text not null,
    primary key (job_id, seq)
);
