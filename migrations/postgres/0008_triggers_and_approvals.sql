-- Delivery: every job records where it came from (its trigger: the dashboard, the API,
-- GitHub, Slack, a schedule, a redeploy, and what the trigger names), and production's
-- deploys, stops and destroys wait for a second admin (new states awaiting_approval,
-- rejected and expired; when the wait ends; what the cluster was when it was asked, so a
-- change while it waits makes it unapprovable; who decided and what they said).
--
-- Existing jobs get the trigger their way in implies.

alter table jobs drop constraint jobs_state_check;
alter table jobs add constraint jobs_state_check
    check (state in ('awaiting_approval', 'queued', 'running', 'succeeded', 'failed',
                     'cancelled', 'interrupted', 'rejected', 'expired'));

alter table jobs add column trigger_kind text;
update jobs set trigger_kind = case
    when redeploy_of is not null then 'redeploy'
    when requested_via = 'token' then 'api'
    when requested_via = 'webhook' then 'github'
    when requested_via = 'schedule' then 'schedule'
    when requested_via = 'cli' then 'cli'
    else 'ui'
end;
alter table jobs alter column trigger_kind set not null;
alter table jobs add constraint jobs_trigger_check
    check (trigger_kind in ('ui', 'api', 'github', 'slack', 'schedule', 'redeploy', 'cli'));
alter table jobs add column trigger_ref text;
alter table jobs add column approval_expires_at bigint;
alter table jobs add column approval_basis text;
alter table jobs add column decided_by text;
alter table jobs add column decided_at bigint;
alter table jobs add column decision_comment text;

create index jobs_awaiting_approval on jobs (approval_expires_at) where state = 'awaiting_approval';
