//! A cluster as AWS sees it: machines, DNS and health, each answered on its own so one
//! part AWS cannot give does not hide the others. `refresh` reads AWS again.

use engine::model::cloud::{ClusterHealth, DnsView, MachinesView};
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn get_machines(name: String, refresh: bool) -> Result<MachinesView, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.machines(&caller, &name, refresh).await)
}

#[server]
pub async fn get_dns(name: String, refresh: bool) -> Result<DnsView, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.dns(&caller, &name, refresh).await)
}

#[server]
pub async fn get_cluster_health(name: String, refresh: bool) -> Result<ClusterHealth, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.cluster_health(&caller, &name, refresh).await)
}
