//! Every secret of every environment, by name: which keys are set, missing or unknown, its
//! versions and who changed it. Values are never part of this page; an admin reveals one
//! key at a time, which only the browser that asked receives.

use leptos::prelude::*;

use super::secret_card::{SecretActions, SecretCard};
use crate::{
    api::fetcher::boxed,
    api::secrets::{list_secrets, SecretsPage as Page},
    components::common::{ErrorNotice, Loaded, PageHeader},
};

#[component]
pub fn SecretsPage() -> impl IntoView {
    let actions = SecretActions::new();
    let page = Resource::new(move || actions.changes(), |_| boxed(list_secrets()));
    view! {
        <PageHeader
            title="Secrets"
            summary="The AWS Secrets Manager entries the clusters and the deployer read. Machines read them at boot and when their services restart."
        />
        {move || actions.failure().map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        <Loaded resource=page view={move |page: Page| view! {
            <div class="grid gap-4 xl:grid-cols-2">
                {page.secrets.into_iter().map(|secret| view! {
                    <SecretCard secret principal=page.principal.clone() actions />
                }).collect_view()}
            </div>
        }} />
    }
}
