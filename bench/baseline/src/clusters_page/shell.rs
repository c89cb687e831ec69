//! The frame around nixdeck's pages as plain strings: the document head, the local mode
//! banner, the top bar, the navigation, and the clusters page's heading and table frame.

use std::fmt::Write;

use super::escape;

const NAV_LINK: &str = "block rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-700 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-indigo-950 dark:aria-[current=page]:text-indigo-300";

const SECTIONS: [(&str, &str); 9] = [
    ("/", "Overview"),
    ("/clusters", "Clusters"),
    ("/builder", "Builder"),
    ("/deployer", "Deployer"),
    ("/secrets", "Secrets"),
    ("/audit", "Audit"),
    ("/people", "People"),
    ("/tokens", "API tokens"),
    ("/notifications", "Notifications"),
];

pub const HEADER: &str = r#"<header class="mb-6"><h1 class="text-2xl font-semibold tracking-tight">Clusters</h1><p class="mt-1 text-sm text-slate-600 dark:text-slate-400">The NixOps deployments run from the deployer: their arguments, versions and deploys.</p></header>"#;

pub const NEW_CLUSTER: &str = r#"<p class="mb-4"><a href="/clusters/new" class="inline-block rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">New cluster</a></p>"#;

pub const TABLE_START: &str = r#"<div class="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"><table class="min-w-full text-left text-sm" aria-label="Clusters"><thead class="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800"><tr><th scope="col" class="px-4 py-2">Name</th><th scope="col" class="px-4 py-2">Environment</th><th scope="col" class="px-4 py-2">Region</th><th scope="col" class="px-4 py-2">Index</th><th scope="col" class="px-4 py-2">State</th><th scope="col" class="px-4 py-2">Health</th><th scope="col" class="px-4 py-2">Latest job</th></tr></thead><tbody class="divide-y divide-slate-200 dark:divide-slate-800">"#;

pub const TABLE_END: &str = "</tbody></table></div>";

/// The whole document: `main` inside the frame, for the person named `name` (an admin, in
/// local mode).
pub fn document(name: &str, main: &str) -> String {
    let mut page = String::with_capacity(main.len() + 8 * 1024);
    page.push_str(r##"<!DOCTYPE html><html lang="en" data-theme="system"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><link rel="stylesheet" id="leptos" href="/pkg/nixdeck.css"><link rel="icon" href="/favicon.svg" type="image/svg+xml"><title>Clusters · nixdeck</title></head><body class="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100"><div class="flex min-h-screen flex-col"><a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900">Skip to content</a><p role="status" class="bg-amber-100 px-4 py-2 text-center text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">Local mode: no sign-in provider is configured. Anyone who can reach this address signs in as the local admin; nixdeck only listens on the loopback interface.</p>"##);
    let _ = write!(
        page,
        r#"<header class="sticky top-0 z-10 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-900/90"><div class="mx-auto flex h-14 max-w-7xl items-center justify-between gap-4 px-4 md:px-8"><a href="/" class="flex items-center gap-2 font-semibold tracking-tight"><span aria-hidden="true" class="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-sm text-white">n</span><span>nixdeck</span></a><div class="flex items-center gap-3"><form method="post" action="/preferences/theme"><input type="hidden" name="theme" value="light"><input type="hidden" name="return_to" value="/clusters"><button type="submit" aria-label="Theme: system. Switch to light" title="Theme: system. Switch to light" class="rounded-md border border-slate-200 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"><span aria-hidden="true">◐ System</span></button></form><div class="flex items-center gap-2 text-sm" data-testid="account"><a href="/account" class="hidden hover:underline sm:inline" title="Your account">{name}</a><span class="rounded bg-slate-100 px-2 py-0.5 text-xs font-medium uppercase tracking-wide text-slate-700 dark:bg-slate-800 dark:text-slate-300">admin</span><form method="post" action="/auth/logout"><button type="submit" class="rounded-md border border-slate-200 px-3 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">Sign out</button></form></div></div></div></header>"#,
        name = escape(name),
    );
    page.push_str(r#"<div class="mx-auto flex w-full max-w-7xl flex-1 flex-col md:flex-row"><nav aria-label="Main" class="border-b border-slate-200 md:w-52 md:shrink-0 md:border-b-0 md:border-r md:py-6 dark:border-slate-800"><ul class="flex gap-1 overflow-x-auto px-4 py-2 md:flex-col md:px-3 md:py-0">"#);
    for (href, label) in SECTIONS {
        let current = if href == "/clusters" {
            r#" aria-current="page""#
        } else {
            ""
        };
        let _ = write!(
            page,
            r#"<li class="shrink-0"><a href="{href}" class="{NAV_LINK}"{current}>{label}</a></li>"#
        );
    }
    page.push_str(r#"</ul></nav><main id="main" class="min-w-0 flex-1 px-4 py-6 md:px-8">"#);
    page.push_str(main);
    page.push_str("</main></div></div></body></html>");
    page
}
