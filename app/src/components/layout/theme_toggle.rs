//! Cycles the theme through system, light and dark. It is a real form, so it works before
//! the page hydrates and with JavaScript off (the server sets the cookie and sends the
//! person back); once hydrated it switches instantly without a round trip.

use engine::model::theme::Theme;
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::hooks::use_location;

use crate::theme::store_theme;

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = expect_context::<RwSignal<Theme>>();
    let location = use_location();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let next = theme.get_untracked().next();
        theme.set(next);
        store_theme(next);
    };
    let label = move || {
        let current = theme.get();
        format!(
            "Theme: {}. Switch to {}",
            current.as_str(),
            current.next().as_str()
        )
    };

    view! {
        <form method="post" action="/preferences/theme" on:submit=on_submit>
            <input type="hidden" name="theme" value=move || theme.get().next().as_str() />
            <input type="hidden" name="return_to" value=move || location.pathname.get() />
            <button
                type="submit"
                aria-label=label
                title=label
                class="rounded-md border border-slate-200 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
                <span aria-hidden="true">
                    {move || match theme.get() {
                        Theme::System => "◐ System",
                        Theme::Light => "☀ Light",
                        Theme::Dark => "☾ Dark",
                    }}
                </span>
            </button>
        </form>
    }
}
