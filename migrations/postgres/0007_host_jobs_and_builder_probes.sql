-- The builder's and the deployer's own jobs join the queue (new job kinds; their host and
-- target are the builder or the deployer, and they belong to no cluster), and every probe of
-- the builder is kept with the time it was taken, so its page shows the last known state and
-- its reachability over the last day.

alter table jobs drop constraint jobs_kind_check;
alter table jobs add constraint jobs_kind_check
    check (kind in ('create', 'deploy', 'preview', 'info', 'stop', 'start', 'destroy',
                    'update-channels', 'rebuild', 'restart-agent', 'collect-garbage',
                    'deploy-deployer'));

create index jobs_by_host on jobs (host, id);

-- One row per probe of the builder. `facts` (JSON) is there when it was reached; `reason`
-- and `error` say why not otherwise.
create table builder_probes (
    id text primary key,                    -- time-ordered (UUID v7)
    checked_at bigint not null,
    reachable boolean not null,
    reason text check (reason in ('refused', 'authentication', 'host-key', 'timeout', 'failed')),
    error text,
    facts text
);

create index builder_probes_by_time on builder_probes (checked_at);
