//! The one way a page shows what it loads: a quiet "Loading…" while it loads (and keeps
//! the last view while it reloads), the failure in words if it failed, else what the page
//! makes of the data.

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use super::ErrorNotice;
use crate::api::ApiError;

#[component]
pub fn Loaded<T, F, V>(
    /// What is being loaded.
    resource: Resource<Result<T, ApiError>>,
    /// What to show once it is there.
    view: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => view(data).into_any(),
                        Err(error) => view! { <ErrorNotice message=error.to_string() /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
