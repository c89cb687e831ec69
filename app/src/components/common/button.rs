//! Buttons: every action on a page is one, in one of three tones, so each class string is
//! written once.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ButtonTone {
    /// The page's main action.
    #[default]
    Primary,
    /// Secondary actions.
    Quiet,
    /// Actions that stop or remove something.
    Danger,
}

/// The classes of a button (or a link that looks like one).
pub fn button_class(tone: ButtonTone, small: bool) -> &'static str {
    match (tone, small) {
        (ButtonTone::Primary, false) => "inline-block rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500",
        (ButtonTone::Primary, true) => "inline-block rounded-md bg-indigo-600 px-2 py-0.5 text-xs font-medium text-white hover:bg-indigo-500",
        (ButtonTone::Quiet, false) => "rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800",
        (ButtonTone::Quiet, true) => "rounded-md border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800",
        (ButtonTone::Danger, false) => "rounded-md border border-red-300 px-3 py-1.5 text-sm text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950",
        (ButtonTone::Danger, true) => "rounded-md border border-red-300 px-2 py-0.5 text-xs text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950",
    }
}

/// A button; a submit button unless `kind` says otherwise.
#[component]
pub fn Button(
    #[prop(optional)] tone: ButtonTone,
    #[prop(optional)] small: bool,
    #[prop(default = "submit")] kind: &'static str,
    children: Children,
) -> impl IntoView {
    view! { <button type=kind class=button_class(tone, small)>{children()}</button> }
}
