//! People and their sessions: who has signed in, and ending a person's sessions.

use super::{require, Caller};
use crate::{
    access::{self, AccessError},
    engine::Engine,
    model::{
        access::{Action, PersonView},
        failure::Failure,
    },
    store::StoreError,
};

impl Engine {
    /// Everyone who has signed in, most recently seen first.
    pub async fn people(&self, caller: &Caller) -> Result<Vec<PersonView>, Failure> {
        require(caller, Action::ManageSessions)?;
        access::list_people(self.store())
            .await
            .map_err(access_failure)
    }

    /// Ends every live session of a person (they must sign in again). Returns how many.
    pub async fn end_sessions(&self, caller: &Caller, user_id: &str) -> Result<u64, Failure> {
        require(caller, Action::ManageSessions)?;
        access::end_sessions_of(self.store(), caller, user_id)
            .await
            .map_err(|error| match error {
                AccessError::Store(StoreError::NotFound) => {
                    Failure::not_found(format!("there is no person with id {user_id:?}"))
                }
                other => access_failure(other),
            })
    }
}

pub(crate) fn access_failure(error: AccessError) -> Failure {
    match error {
        AccessError::Invalid(message) => Failure::invalid("value", message),
        AccessError::Store(error) => error.into(),
    }
}
