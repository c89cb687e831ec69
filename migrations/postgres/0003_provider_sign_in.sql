-- Sign-in through a provider (GitHub or OIDC): the attempts in flight, and what a session
-- needs to re-check the person's membership while it lives.

-- One row per redirect to a provider, taken (deleted) by the callback, so a state value is
-- good once. Found by the sha256 of the state; bound to the browser that started it by the
-- sha256 of a short-lived cookie. Rows live ten minutes.
create table sign_in_attempts (
    state_hash text primary key,
    provider text not null,
    browser_hash text not null,
    pkce_verifier text not null,
    nonce text not null,
    next_path text not null,
    created_at bigint not null,
    expires_at bigint not null
);

-- The provider's access token, sealed with a key derived from the provider's client secret
-- (a copy of the database alone does not reveal it), used to re-check membership.
alter table sessions add column provider_token text;
-- When the provider last confirmed the person's membership and role.
alter table sessions add column checked_at bigint;
