-- People who have signed in, their server-side sessions, and API tokens for automation.

create table users (
    id text primary key,
    provider text not null,      -- 'github', 'oidc' or 'local'
    subject text not null,       -- the provider's stable id for the person
    login text not null,
    name text not null,
    role text not null,          -- 'viewer', 'operator' or 'admin', refreshed at each sign-in
    created_at bigint not null,
    last_seen_at bigint not null,
    unique (provider, subject)
);

-- A session is known by the sha256 of its cookie value; the value itself is never stored.
create table sessions (
    id_hash text primary key,
    user_id text not null references users (id) on delete cascade,
    created_at bigint not null,
    last_seen_at bigint not null,
    expires_at bigint not null,  -- absolute expiry; idle expiry is last_seen_at + the idle limit
    ended_at bigint,             -- set at sign-out or when an admin ends it
    source_addr text
);

create index sessions_by_user on sessions (user_id);

-- A token is known by the sha256 of its value; the value is shown once, at creation.
create table api_tokens (
    id text primary key,
    name text not null,
    token_hash text not null unique,
    role text not null,
    created_by text not null,
    created_at bigint not null,
    last_used_at bigint,
    revoked_at bigint
);

-- A name belongs to one live token at a time; a revoked token's name may be reused.
create unique index api_tokens_live_name on api_tokens (name) where revoked_at is null;
