//! How a failed load or action is shown: one line, announced to screen readers.

use leptos::prelude::*;

#[component]
pub fn ErrorNotice(
    /// What went wrong, in words for the person using the dashboard.
    message: String,
) -> impl IntoView {
    view! { <p role="alert" class="mb-4 text-sm text-red-700 dark:text-red-400">{message}</p> }
}
