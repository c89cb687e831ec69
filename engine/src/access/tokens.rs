//! API tokens: made by an admin (or the CLI on the server), shown once, stored as a hash,
//! sent as `Authorization: Bearer TOKEN`.

use serde_json::json;

use crate::{
    audit,
    commands::Caller,
    model::access::{validate_token_name, Role, TokenInfo},
    store::{
        api_tokens::{self, TokenRow},
        now_millis, Store, StoreError,
    },
};

use super::{
    credential::hash_credential, AccessError, Credential, Principal, Via, TOUCH_INTERVAL_MS,
};

/// Every token starts with this, so a leaked one is recognisable (and secret scanners can
/// be taught to find it).
const TOKEN_PREFIX: &str = "ndk_";

/// Makes a token and audits it; the value is returned once and never stored.
pub async fn create_token(
    store: &Store,
    caller: &Caller,
    name: &str,
    role: Role,
) -> Result<Credential, AccessError> {
    validate_token_name(name).map_err(AccessError::Invalid)?;
    let credential = Credential::generate(TOKEN_PREFIX)
        .map_err(|e| AccessError::Invalid(format!("no randomness available: {e}")))?;
    let mut tx = store.begin().await?;
    api_tokens::insert(
        &mut tx,
        &TokenRow {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.to_owned(),
            token_hash: credential.hash(),
            role,
            created_by: caller.actor().to_owned(),
            created_at: now_millis(),
            last_used_at: None,
            revoked_at: None,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        caller.event(
            "token.create",
            format!("token:{name}"),
            json!({ "role": role }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(credential)
}

/// Revokes the live token named `name` and audits it; `NotFound` if there is none.
pub async fn revoke_token(store: &Store, caller: &Caller, name: &str) -> Result<(), AccessError> {
    let mut tx = store.begin().await?;
    let Some(token) = api_tokens::revoke_by_name(&mut tx, name, now_millis()).await? else {
        return Err(StoreError::NotFound.into());
    };
    audit::record(
        &mut tx,
        caller.event(
            "token.revoke",
            format!("token:{}", token.name),
            json!({ "role": token.role }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list_tokens(store: &Store) -> Result<Vec<TokenInfo>, AccessError> {
    Ok(api_tokens::list(store)
        .await?
        .into_iter()
        .map(|row| TokenInfo {
            role: row.role,
            name: row.name,
            created_by: row.created_by,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        })
        .collect())
}

/// The principal behind a bearer token, if it is a live one.
pub async fn resolve_token(
    store: &Store,
    presented: &str,
) -> Result<Option<Principal>, AccessError> {
    if !presented.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let Some(token) = api_tokens::find_live_by_hash(store, &hash_credential(presented)).await?
    else {
        return Ok(None);
    };
    let now = now_millis();
    if token
        .last_used_at
        .is_none_or(|used| now - used > TOUCH_INTERVAL_MS)
    {
        api_tokens::touch(store, &token.id, now).await?;
    }
    Ok(Some(Principal {
        user_id: None,
        actor: format!("token:{}", token.name),
        login: token.name.clone(),
        name: token.name,
        role: token.role,
        via: Via::Token,
    }))
}
