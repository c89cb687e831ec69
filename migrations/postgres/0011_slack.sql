-- Slack's /deploy: one-time codes (stored hashed) that link a Slack user to the nixdeck
-- person they act as, the links, and where each job asked from Slack reports how it goes
-- (the command's response_url, which is never shown).

create table slack_link_codes (
    code_hash text primary key,
    user_id text not null,
    expires_at bigint not null
);

create table slack_identities (
    team_id text not null,
    slack_user_id text not null,
    user_id text not null,
    linked_at bigint not null,
    primary key (team_id, slack_user_id)
);

create table slack_responses (
    job_id text primary key,
    response_url text not null,
    created_at bigint not null
);
