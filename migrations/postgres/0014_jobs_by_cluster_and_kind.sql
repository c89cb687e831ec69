-- A cluster's deploy chart reads its newest finished creates and deploys, kind by kind,
-- without walking past the checks and other jobs run since.
create index jobs_by_cluster_kind on jobs (cluster, kind, id);
