//! API tokens: made by an admin (or the command line on the server), shown once, revoked
//! by name.

use super::{people::access_failure, require, Caller};
use crate::{
    access::{self, AccessError, Credential},
    engine::Engine,
    model::{
        access::{Action, Role, TokenInfo},
        failure::Failure,
    },
    store::StoreError,
};

impl Engine {
    pub async fn tokens(&self, caller: &Caller) -> Result<Vec<TokenInfo>, Failure> {
        require(caller, Action::ManageTokens)?;
        access::list_tokens(self.store())
            .await
            .map_err(access_failure)
    }

    /// Makes a token; its value is returned this once and never stored.
    pub async fn create_token(
        &self,
        caller: &Caller,
        name: &str,
        role: &str,
    ) -> Result<Credential, Failure> {
        require(caller, Action::ManageTokens)?;
        let role = Role::parse(role.trim()).map_err(|message| Failure::invalid("role", message))?;
        let name = name.trim();
        access::create_token(self.store(), caller, name, role)
            .await
            .map_err(|error| match error {
                AccessError::Invalid(message) => Failure::invalid("name", message),
                AccessError::Store(StoreError::Conflict(_)) => Failure::conflict_on(
                    "name",
                    format!("a live token named {name:?} exists already; revoke it first or pick another name"),
                ),
                other => access_failure(other),
            })
    }

    pub async fn revoke_token(&self, caller: &Caller, name: &str) -> Result<(), Failure> {
        require(caller, Action::ManageTokens)?;
        access::revoke_token(self.store(), caller, name)
            .await
            .map_err(|error| match error {
                AccessError::Store(StoreError::NotFound) => {
                    Failure::not_found(format!("there is no live token named {name:?}"))
                }
                other => access_failure(other),
            })
    }
}
