//! Every secret's metadata (no values), and who is looking.

use engine::model::{access::Principal, secrets::SecretView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretsPage {
    pub secrets: Vec<SecretView>,
    pub principal: Principal,
}

#[server]
pub async fn list_secrets() -> Result<SecretsPage, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    let secrets = crate::api::door::answer(engine.secrets(&caller).await)?;
    Ok(SecretsPage {
        secrets,
        principal: caller.principal,
    })
}
