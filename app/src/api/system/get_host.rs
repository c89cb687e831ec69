//! A host commands run on (the deployer), with what is known to be wrong with it.

use engine::model::host::HostView;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn get_host(name: String) -> Result<HostView, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.host_view(&caller, &name))
}
