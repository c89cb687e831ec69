-- A change to a secret in AWS Secrets Manager that nixdeck has started and not yet recorded.
-- One per secret: it is also the lock that keeps two changes to one secret from crossing
-- (on every replica). Its audit event is recorded when the change is confirmed, also after
-- a crash, by whoever finds the row once it has expired.
create table secret_writes (
    secret_id text primary key,
    -- The version the change makes (its ClientRequestToken), or the one a rollback makes current.
    version_id text not null,
    -- The audit event to record once AWS has the change (JSON; key names only, never values).
    event text not null,
    started_at integer not null,
    expires_at integer not null
);
