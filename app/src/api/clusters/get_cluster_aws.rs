//! A cluster as AWS sees it: machines, DNS and health from one read of each; a part AWS
//! could not give is its failure, so it does not hide the others. `refresh` reads AWS
//! again instead of the short memory.

use engine::model::cloud::OnAws;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn get_on_aws(name: String, refresh: bool) -> Result<OnAws, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.on_aws(&caller, &name, refresh).await)
}
